package io.visutility.monitor.bench;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Observer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;

/**
 * What every benchmark feeds and measures: a fixed cycle of mixed events, and four observers of
 * four different classes (so no call site is monomorphic), each doing a little work and counting
 * what it saw. Each observer is written by one thread at a time.
 */
final class Workload {

    static final int EVENTS = 1024;

    private Workload() {
    }

    static ModelMetricEvent[] events() {
        ModelMetricEvent[] events = new ModelMetricEvent[EVENTS];
        Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
        for (int i = 0; i < EVENTS; i++) {
            ModelVersion model = new ModelVersion("model-" + (i % 4), "v1");
            Instant ts = t0.plusMillis(i);
            events[i] = switch (i % 3) {
                case 0 -> new InferenceLatency(model, 100 + i % 50, ts);
                case 1 -> new AccuracyDrift(model, (i % 100) / 1000.0, ts);
                default -> new ConceptDrift(model, (i % 100) / 100.0, ts);
            };
        }
        return events;
    }

    static CountingObserver[] observers() {
        return new CountingObserver[] {new LatencyTotal(), new DriftMax(), new TypeCounter(), new LastModel()};
    }

    /** An observer that counts the events it saw. */
    abstract static class CountingObserver implements Observer {
        private static final VarHandle SEEN;

        static {
            try {
                SEEN = MethodHandles.lookup().findVarHandle(CountingObserver.class, "seen", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private long seen;

        final void count() {
            // One writer per observer (the producer in sync mode, its consumer thread otherwise); a
            // release store, not a volatile one, so the count does not add a fence per event.
            SEEN.setRelease(this, seen + 1);
        }

        final long seen() {
            return (long) SEEN.getAcquire(this);
        }

        @Override
        public abstract void onEvent(ModelMetricEvent event);
    }

    static final class LatencyTotal extends CountingObserver {
        long total;

        @Override
        public void onEvent(ModelMetricEvent event) {
            if (event instanceof InferenceLatency latency) {
                total += latency.latencyMs();
            }
            count();
        }
    }

    static final class DriftMax extends CountingObserver {
        double max;

        @Override
        public void onEvent(ModelMetricEvent event) {
            if (event instanceof AccuracyDrift drift && drift.drift() > max) {
                max = drift.drift();
            }
            count();
        }
    }

    static final class TypeCounter extends CountingObserver {
        final long[] byType = new long[3];

        @Override
        public void onEvent(ModelMetricEvent event) {
            byType[event instanceof InferenceLatency ? 0 : event instanceof AccuracyDrift ? 1 : 2]++;
            count();
        }
    }

    static final class LastModel extends CountingObserver {
        ModelVersion last;

        @Override
        public void onEvent(ModelMetricEvent event) {
            last = event.model();
            count();
        }
    }

    /** Waits until every observer has seen {@code expected} events, or fails the trial. */
    static void awaitSeen(CountingObserver[] observers, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (CountingObserver observer : observers) {
            while (observer.seen() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(observer.getClass().getSimpleName() + " saw " + observer.seen()
                            + " of " + expected + " events");
                }
                Thread.sleep(1);
            }
            if (observer.seen() != expected) {
                throw new IllegalStateException(observer.getClass().getSimpleName() + " saw " + observer.seen()
                        + " events, more than the " + expected + " emitted");
            }
        }
    }
}
