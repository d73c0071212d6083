package io.visutility.monitor.bench;

import com.google.common.eventbus.Subscribe;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.bench.Workload.CountingObserver;
import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.EventFilter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One producer thread emitting to four observers of different classes on its own thread:
 * the bus in sync mode against a plain loop over the same observers (the practical limit), Guava's
 * {@code EventBus}, and the naive design (the observer map copied into a list under a read lock
 * per emit). Every observer's count is checked against the events emitted at the end.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class SyncEmitBenchmark {

    private final ModelMetricEvent[] events = Workload.events();
    private int next;
    private long emitted;

    private CountingObserver[] observers;
    /** The same observers, typed as a registry must hold them: by their interface. */
    private Observer[] loop;
    private EventBus bus;
    private com.google.common.eventbus.EventBus guava;
    private final ReadWriteLock naiveLock = new ReentrantReadWriteLock();
    private final Map<String, Observer> naiveRegistry = new LinkedHashMap<>();

    @Setup(Level.Trial)
    public void setUp() {
        observers = Workload.observers();
        loop = Arrays.copyOf(observers, observers.length, Observer[].class);
        bus = new EventBus();
        guava = new com.google.common.eventbus.EventBus("bench");
        for (int i = 0; i < observers.length; i++) {
            bus.register("observer-" + i, EventFilter.ALL, observers[i], DispatchPolicy.SYNC);
            guava.register(new GuavaSubscriber(observers[i]));
            naiveRegistry.put("observer-" + i, observers[i]);
        }
    }

    @TearDown(Level.Trial)
    public void verify() throws InterruptedException {
        Workload.awaitSeen(observers, emitted);
    }

    private ModelMetricEvent nextEvent() {
        emitted++;
        return events[next++ & (Workload.EVENTS - 1)];
    }

    @Benchmark
    public void plainLoop() throws Exception {
        ModelMetricEvent event = nextEvent();
        for (Observer observer : loop) {
            observer.onEvent(event);
        }
    }

    @Benchmark
    public void busSync() {
        bus.emit(nextEvent());
    }

    @Benchmark
    public void guavaEventBus() {
        guava.post(nextEvent());
    }

    @Benchmark
    public void naiveCopyUnderReadLock() throws Exception {
        ModelMetricEvent event = nextEvent();
        List<Observer> snapshot;
        naiveLock.readLock().lock();
        try {
            snapshot = new ArrayList<>(naiveRegistry.values());
        } finally {
            naiveLock.readLock().unlock();
        }
        for (Observer observer : snapshot) {
            try {
                observer.onEvent(event);
            } catch (Exception e) {
                // the naive design also isolates failures
            }
        }
    }

    /** Guava finds subscribers by annotation; this forwards to the shared observer. */
    public static final class GuavaSubscriber {
        private final Observer observer;

        GuavaSubscriber(Observer observer) {
            this.observer = observer;
        }

        @Subscribe
        public void on(ModelMetricEvent event) throws Exception {
            observer.onEvent(event);
        }
    }
}
