package io.visutility.monitor.bench;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.bench.Workload.CountingObserver;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A design experiment for the async lanes, not used by the host: one multicast ring shared by the
 * four consumers, that any number of producers can publish to (a {@code LOCK XADD} claims a
 * sequence, each slot carries the sequence it holds, the producer waits while the slowest
 * consumer is a ring behind), against the single-producer LMAX Disruptor with its sleeping wait
 * strategy, in alternating rounds in one process. It measures what replacing the per-lane queues
 * by such a ring could give before anyone builds it; the prototype has none of a lane's policies,
 * and its idle consumers poll every 50 µs instead of parking (they are stopped after each round,
 * or they would slow the next runs down). Result (BENCHMARKS.md): about 0.3 of the Disruptor, no
 * better than the per-lane queues, so the ring alone is not the way to parity.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.visutility.monitor.bench.RingPrototypeHarness
 * <rounds> <seconds per design>}.
 */
public final class RingPrototypeHarness {

    private static final int SIZE = 8192;
    private static final int MASK = SIZE - 1;
    private static final VarHandle PUBLISHED = MethodHandles.arrayElementVarHandle(long[].class);

    private RingPrototypeHarness() {
    }

    /** The prototype ring. Thread-safe for any number of publishers and one thread per consumer index. */
    private static final class SharedRing {
        private final Object[] slots = new Object[SIZE];
        private final long[] published = new long[SIZE];
        private final AtomicLong cursor = new AtomicLong();
        private final AtomicLong[] consumed;
        private volatile long gate; // a cached lower bound of every consumer's position
        private volatile boolean running = true;

        SharedRing(int consumers) {
            consumed = new AtomicLong[consumers];
            for (int i = 0; i < consumers; i++) {
                consumed[i] = new AtomicLong();
            }
            for (int i = 0; i < SIZE; i++) {
                published[i] = i - SIZE;
            }
        }

        void publish(Object event) {
            long sequence = cursor.getAndIncrement();
            long wrap = sequence - SIZE;
            if (wrap >= gate) {
                int waits = 0;
                long slowest;
                while (wrap >= (slowest = slowest())) {
                    if (waits++ < 100) {
                        Thread.yield();
                    } else {
                        LockSupport.parkNanos(20_000);
                    }
                }
                gate = slowest;
            }
            int slot = (int) sequence & MASK;
            slots[slot] = event;
            PUBLISHED.setRelease(published, slot, sequence);
        }

        private long slowest() {
            long slowest = Long.MAX_VALUE;
            for (AtomicLong position : consumed) {
                slowest = Math.min(slowest, position.get());
            }
            return slowest;
        }

        void startConsumer(int index, CountingObserver observer) {
            Thread thread = new Thread(() -> {
                long next = 0;
                int idle = 0;
                while (running) {
                    int slot = (int) next & MASK;
                    if ((long) PUBLISHED.getAcquire(published, slot) == next) {
                        observer.onEvent((ModelMetricEvent) slots[slot]);
                        next++;
                        if ((next & 63) == 0) {
                            consumed[index].lazySet(next); // once per 64 events: the producer reads it rarely
                        }
                        idle = 0;
                    } else {
                        consumed[index].lazySet(next);
                        if (idle < 100) {
                            Thread.onSpinWait();
                        } else if (idle < 200) {
                            Thread.yield();
                        } else {
                            LockSupport.parkNanos(50_000);
                        }
                        idle++;
                    }
                }
            }, "ring-consumer-" + index);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** A Disruptor slot. */
    private static final class Slot {
        ModelMetricEvent event;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long nanos = (long) (Double.parseDouble(args[1]) * 1e9);
        ModelMetricEvent[] events = Workload.events();
        for (int round = 1; round <= rounds; round++) {
            CountingObserver[] ringObservers = Workload.observers();
            SharedRing ring = new SharedRing(ringObservers.length);
            for (int i = 0; i < ringObservers.length; i++) {
                ring.startConsumer(i, ringObservers[i]);
            }
            long ringEvents = 0;
            long start = System.nanoTime();
            while (System.nanoTime() - start < nanos) {
                for (int k = 0; k < 1024; k++) {
                    ring.publish(events[(int) (ringEvents++ & (Workload.EVENTS - 1))]);
                }
            }
            double ringRate = ringEvents / ((System.nanoTime() - start) / 1e9);
            Workload.awaitSeen(ringObservers, ringEvents);
            ring.running = false; // its consumers poll while idle: they must not steal the next runs' CPU

            CountingObserver[] disruptorObservers = Workload.observers();
            Disruptor<Slot> disruptor = new Disruptor<>(Slot::new, SIZE, DaemonThreadFactory.INSTANCE,
                    ProducerType.SINGLE, new SleepingWaitStrategy());
            @SuppressWarnings("unchecked")
            EventHandler<Slot>[] handlers = new EventHandler[disruptorObservers.length];
            for (int i = 0; i < handlers.length; i++) {
                CountingObserver observer = disruptorObservers[i];
                handlers[i] = (slot, sequence, endOfBatch) -> observer.onEvent(slot.event);
            }
            disruptor.handleEventsWith(handlers);
            RingBuffer<Slot> disruptorRing = disruptor.start();
            long disruptorEvents = 0;
            start = System.nanoTime();
            while (System.nanoTime() - start < nanos) {
                for (int k = 0; k < 1024; k++) {
                    ModelMetricEvent event = events[(int) (disruptorEvents++ & (Workload.EVENTS - 1))];
                    disruptorRing.publishEvent((slot, sequence, value) -> slot.event = value, event);
                }
            }
            double disruptorRate = disruptorEvents / ((System.nanoTime() - start) / 1e9);
            Workload.awaitSeen(disruptorObservers, disruptorEvents);
            disruptor.halt();
            System.out.printf("round %d: shared multi-producer ring %.2fM/s, Disruptor single-producer sleeping "
                    + "%.2fM/s, ratio %.2f%n", round, ringRate / 1e6, disruptorRate / 1e6, ringRate / disruptorRate);
        }
        System.exit(0);
    }
}
