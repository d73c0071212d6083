package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fans each emitted event out to every registered observer, on the caller's thread.
 *
 * <p>The registry is a copy-on-write array: {@link #emit} reads it once through a volatile field,
 * takes no lock and allocates nothing per observer; {@link #register} and
 * {@link Registration#close()} copy it under a lock. An emit that overlaps a register or close
 * sees the registry either before or after the change, never a mix.
 *
 * <p>Thread-safe: any number of threads may emit, register and close at once. Each observer sees
 * one producer's events in that producer's emit order. An observer that throws is counted and
 * logged (rate-limited); the other observers and the producer never see the exception.
 */
public final class EventBus {

    private static final Subscriber[] NONE = new Subscriber[0];
    private static final long FAILURE_LOG_INTERVAL_SECONDS = 10;

    private final Object writeLock = new Object();
    private volatile Subscriber[] subscribers = NONE;

    /** Registers {@code observer} for every event. */
    public Registration register(String name, Observer observer) {
        return register(name, EventFilter.ALL, observer);
    }

    /**
     * Registers {@code observer} for the events {@code filter} accepts. Events emitted after this
     * returns reach it.
     *
     * @param name a label for logs and {@link #stats()}; need not be unique
     */
    public Registration register(String name, EventFilter filter, Observer observer) {
        Subscriber subscriber = new Subscriber(this, Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(filter, "filter"), Objects.requireNonNull(observer, "observer"));
        synchronized (writeLock) {
            Subscriber[] current = subscribers;
            Subscriber[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = subscriber;
            subscribers = next;
        }
        return subscriber;
    }

    /** Delivers {@code event} to every registered observer whose filter accepts it. */
    public void emit(ModelMetricEvent event) {
        Objects.requireNonNull(event, "event");
        for (Subscriber subscriber : subscribers) {
            subscriber.deliver(event);
        }
    }

    /** The counters of every registered observer, in registration order. */
    public List<ObserverStats> stats() {
        Subscriber[] current = subscribers;
        List<ObserverStats> stats = new ArrayList<>(current.length);
        for (Subscriber subscriber : current) {
            stats.add(subscriber.stats());
        }
        return stats;
    }

    /** How many observers are registered now. */
    public int size() {
        return subscribers.length;
    }

    private void unregister(Subscriber subscriber) {
        synchronized (writeLock) {
            Subscriber[] current = subscribers;
            for (int i = 0; i < current.length; i++) {
                if (current[i] == subscriber) {
                    Subscriber[] next = new Subscriber[current.length - 1];
                    System.arraycopy(current, 0, next, 0, i);
                    System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                    subscribers = next;
                    return;
                }
            }
        }
    }

    /** One registered observer with its counters. Thread-safe. */
    private static final class Subscriber implements Registration {
        private final EventBus bus;
        private final String name;
        private final EventFilter filter;
        private final Observer observer;
        private final LongAdder delivered = new LongAdder();
        private final LongAdder failed = new LongAdder();
        private final FailureLog failures;

        Subscriber(EventBus bus, String name, EventFilter filter, Observer observer) {
            this.bus = bus;
            this.name = name;
            this.filter = filter;
            this.observer = observer;
            this.failures = new FailureLog(name, FAILURE_LOG_INTERVAL_SECONDS, TimeUnit.SECONDS);
        }

        void deliver(ModelMetricEvent event) {
            try {
                if (!filter.accepts(event)) {
                    return;
                }
                observer.onEvent(event);
                delivered.increment();
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable failure) {
                // A plugin's exception or linkage error stays with that plugin.
                failed.increment();
                failures.failed(failure);
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ObserverStats stats() {
            return new ObserverStats(name, delivered.sum(), failed.sum());
        }

        @Override
        public void close() {
            bus.unregister(this);
        }
    }
}
