package io.visutility.monitor.api;

import java.util.List;

/**
 * Metrics a plugin publishes on the host's {@code GET /metrics} endpoint, in the Prometheus text
 * format. Get it from {@link ObserverContext#metrics()}.
 *
 * <p>A name asked for again with the same kind, label names (and buckets) returns the same
 * metric, shared by every observer that asks for it, and it outlives reloads (a counter keeps
 * counting across a jar swap). Asked for with another shape, as a new plugin version or config
 * may, the metric is registered anew and its old series go; handles of the old shape then update
 * the new metric as long as its kind and label names fit.
 *
 * <p>Names follow Prometheus: {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, without the prefixes the host
 * uses ({@code monitor_}, {@code jvm_}, {@code process_}); a counter is shown with {@code _total}
 * appended, so its name must not end with it. Label names are distinct
 * {@code [a-zA-Z_][a-zA-Z0-9_]*}, not {@code le}, {@code quantile} or {@code __...}. Label values
 * are given in the order of the label names. The host keeps at most 10,000 label combinations per
 * metric and drops (and counts) updates of further ones: label values often come from clients.
 *
 * <p>Thread-safe: every method of every type here may be called from any thread.
 */
public interface Metrics {

    /**
     * A counter: a value that only goes up.
     *
     * @throws IllegalArgumentException if the name or a label name is not valid
     */
    Counter counter(String name, String help, String... labelNames);

    /** A gauge: a value that is set. Throws as {@link #counter} does. */
    Gauge gauge(String name, String help, String... labelNames);

    /**
     * A histogram with the given bucket upper bounds (ascending; {@code +Inf} is added). Throws as
     * {@link #counter} does, and if the bounds are empty or not ascending.
     */
    Histogram histogram(String name, String help, List<Double> buckets, String... labelNames);

    /** A counter made by {@link Metrics#counter}. */
    interface Counter {
        /**
         * Adds {@code amount} to the series with these label values.
         *
         * @throws IllegalArgumentException if {@code amount} is negative or the number of label
         *                                  values differs from the number of label names
         */
        void inc(double amount, String... labelValues);
    }

    /** A gauge made by {@link Metrics#gauge}. */
    interface Gauge {
        /** Sets the series with these label values; throws as {@link Counter#inc} does for labels. */
        void set(double value, String... labelValues);
    }

    /** A histogram made by {@link Metrics#histogram}. */
    interface Histogram {
        /** Records one value in the series with these label values; throws as {@link Counter#inc} does for labels. */
        void observe(double value, String... labelValues);
    }

    /** Metrics that go nowhere: the default of {@link ObserverContext#metrics()}, for plugin tests. */
    Metrics NONE = new Metrics() {
        @Override
        public Counter counter(String name, String help, String... labelNames) {
            return (amount, labelValues) -> { };
        }

        @Override
        public Gauge gauge(String name, String help, String... labelNames) {
            return (value, labelValues) -> { };
        }

        @Override
        public Histogram histogram(String name, String help, List<Double> buckets, String... labelNames) {
            return (value, labelValues) -> { };
        }
    };
}
