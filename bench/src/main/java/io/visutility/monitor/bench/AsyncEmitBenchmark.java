package io.visutility.monitor.bench;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.bench.Workload.CountingObserver;
import io.visutility.monitor.host.bus.DispatchMode;
import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.EventFilter;
import io.visutility.monitor.host.bus.ObserverStats;
import io.visutility.monitor.host.bus.OverflowPolicy;
import io.visutility.monitor.host.bus.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One producer thread handing events to four observers of different classes, each consumed on a
 * thread of its own, with 8192 slots per consumer and a producer that waits when a consumer is
 * full (no event dropped): the bus's async lanes (policy {@code block}) against one
 * {@code ArrayBlockingQueue} per observer and against an LMAX Disruptor multicast ring with four
 * handlers (single-producer ring with a sleeping or yielding wait strategy, and a multi-producer
 * ring, which is what the bus is). Every consumer calls its observer through the {@link Observer}
 * interface, as the bus calls a plugin's. At the end of each trial every consumer must have seen
 * every event emitted.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class AsyncEmitBenchmark {

    static final int SLOTS = 8192;

    /** Which implementation a trial runs. */
    @Param({"bus", "arrayBlockingQueue", "disruptorSleeping", "disruptorYielding", "disruptorSleepingMulti"})
    public String design;

    /** What {@link #emit} hands events to: resolved once, so that no design pays for comparing strings per event. */
    private enum Target { BUS, QUEUES, DISRUPTOR }

    private Target target;
    private final ModelMetricEvent[] events = Workload.events();
    private int next;
    private long emitted;
    private CountingObserver[] observers;

    private EventBus bus;
    private final List<Registration> lanes = new ArrayList<>();
    private final List<ArrayBlockingQueue<ModelMetricEvent>> queues = new ArrayList<>();
    private final List<Thread> queueThreads = new ArrayList<>();
    private Disruptor<Slot> disruptor;
    private RingBuffer<Slot> ring;

    /** A ring slot of the Disruptor. */
    static final class Slot {
        ModelMetricEvent event;
    }

    private static final EventTranslatorOneArg<Slot, ModelMetricEvent> PUBLISH = (slot, sequence, event) ->
            slot.event = event;

    @Setup(Level.Trial)
    public void setUp() {
        observers = Workload.observers();
        target = switch (design) {
            case "bus" -> Target.BUS;
            case "arrayBlockingQueue" -> Target.QUEUES;
            default -> Target.DISRUPTOR;
        };
        switch (design) {
            case "bus" -> {
                bus = new EventBus();
                DispatchPolicy d = DispatchPolicy.DEFAULT;
                DispatchPolicy lossless = new DispatchPolicy(DispatchMode.ASYNC, SLOTS, OverflowPolicy.BLOCK,
                        Optional.empty(), d.failuresBeforePause(), d.pause(), d.maxPause(), d.shutdownTimeout());
                for (int i = 0; i < observers.length; i++) {
                    lanes.add(bus.register("observer-" + i, EventFilter.ALL, observers[i], lossless));
                }
            }
            case "arrayBlockingQueue" -> {
                for (Observer observer : observers) {
                    ArrayBlockingQueue<ModelMetricEvent> queue = new ArrayBlockingQueue<>(SLOTS);
                    Thread consumer = new Thread(() -> {
                        try {
                            while (true) {
                                observer.onEvent(queue.take());
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    consumer.setDaemon(true);
                    consumer.start();
                    queues.add(queue);
                    queueThreads.add(consumer);
                }
            }
            case "disruptorSleeping" -> startDisruptor(ProducerType.SINGLE, new SleepingWaitStrategy());
            case "disruptorYielding" -> startDisruptor(ProducerType.SINGLE, new YieldingWaitStrategy());
            case "disruptorSleepingMulti" -> startDisruptor(ProducerType.MULTI, new SleepingWaitStrategy());
            default -> throw new IllegalArgumentException(design);
        }
    }

    @SuppressWarnings("unchecked")
    private void startDisruptor(ProducerType producers, WaitStrategy waitStrategy) {
        disruptor = new Disruptor<>(Slot::new, SLOTS, DaemonThreadFactory.INSTANCE, producers, waitStrategy);
        EventHandler<Slot>[] handlers = new EventHandler[observers.length];
        for (int i = 0; i < observers.length; i++) {
            Observer observer = observers[i]; // through the interface, as the bus calls plugins
            handlers[i] = (slot, sequence, endOfBatch) -> observer.onEvent(slot.event);
        }
        disruptor.handleEventsWith(handlers);
        ring = disruptor.start();
    }

    @TearDown(Level.Trial)
    public void verifyAndStop() throws InterruptedException {
        Workload.awaitSeen(observers, emitted);
        for (Registration lane : lanes) {
            lane.close();
            ObserverStats stats = lane.stats();
            if (stats.delivered() != emitted || stats.droppedTotal() != 0) {
                throw new IllegalStateException("lane lost events: " + stats + ", emitted " + emitted);
            }
        }
        queueThreads.forEach(Thread::interrupt);
        if (disruptor != null) {
            disruptor.halt();
        }
    }

    @Benchmark
    public void emit() throws InterruptedException {
        emitted++;
        ModelMetricEvent event = events[next++ & (Workload.EVENTS - 1)];
        switch (target) {
            case BUS -> bus.emit(event);
            case QUEUES -> {
                for (ArrayBlockingQueue<ModelMetricEvent> queue : queues) {
                    queue.put(event);
                }
            }
            case DISRUPTOR -> ring.publishEvent(PUBLISH, event);
        }
    }
}
