package io.visutility.monitor.host.telemetry;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.visutility.monitor.api.Metrics;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The {@link Metrics} plugins publish: Prometheus metrics in the host's registry, served on
 * {@code /metrics} with the host's own. A metric lives as long as the host; observers made again
 * after a reload get the same one back, so counters keep counting.
 *
 * <p>Thread-safe: creating a metric is serialized on this object; the Prometheus client's metrics
 * take updates from any thread.
 */
public final class PluginMetrics implements Metrics {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    /** The host's own metrics; a plugin cannot shadow them. */
    private static final String RESERVED_PREFIX = "monitor_";

    private final PrometheusRegistry registry;
    private final Map<String, Registered> byName = new HashMap<>();

    /** What a name was first registered as, to hand the same metric back or refuse another shape. */
    private record Registered(String kind, List<String> labelNames, List<Double> buckets, Object metric) {
    }

    public PluginMetrics(PrometheusRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Counter counter(String name, String help, String... labelNames) {
        // Metrics.Counter shadows the Prometheus class's simple name here, hence the full names.
        var counter = (io.prometheus.metrics.core.metrics.Counter) metric("counter", name, help, labelNames, List.of(), () ->
                io.prometheus.metrics.core.metrics.Counter.builder().name(name).help(help).labelNames(labelNames).register(registry));
        return (amount, labelValues) -> (labelNames.length == 0 && labelValues.length == 0
                ? counter : counter.labelValues(labelValues)).inc(amount);
    }

    @Override
    public Gauge gauge(String name, String help, String... labelNames) {
        var gauge = (io.prometheus.metrics.core.metrics.Gauge) metric("gauge", name, help, labelNames, List.of(), () ->
                io.prometheus.metrics.core.metrics.Gauge.builder().name(name).help(help).labelNames(labelNames).register(registry));
        return (value, labelValues) -> (labelNames.length == 0 && labelValues.length == 0
                ? gauge : gauge.labelValues(labelValues)).set(value);
    }

    @Override
    public Histogram histogram(String name, String help, List<Double> buckets, String... labelNames) {
        List<Double> bounds = List.copyOf(buckets);
        for (int i = 0; i < bounds.size(); i++) {
            if (!Double.isFinite(bounds.get(i)) || i > 0 && bounds.get(i) <= bounds.get(i - 1)) {
                throw new IllegalArgumentException("histogram " + name + ": buckets must be finite and ascending, got "
                        + bounds);
            }
        }
        if (bounds.isEmpty()) {
            throw new IllegalArgumentException("histogram " + name + ": give at least one bucket bound");
        }
        double[] upper = bounds.stream().mapToDouble(Double::doubleValue).toArray();
        var histogram = (io.prometheus.metrics.core.metrics.Histogram) metric("histogram", name, help, labelNames, bounds, () ->
                io.prometheus.metrics.core.metrics.Histogram.builder().name(name).help(help).labelNames(labelNames).classicOnly()
                        .classicUpperBounds(upper).register(registry));
        return (value, labelValues) -> (labelNames.length == 0 && labelValues.length == 0
                ? histogram : histogram.labelValues(labelValues)).observe(value);
    }

    private synchronized Object metric(String kind, String name, String help, String[] labelNames,
                                       List<Double> buckets, Supplier<Object> create) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name '" + name + "' is not valid: use [a-zA-Z_:][a-zA-Z0-9_:]*");
        }
        if (name.startsWith(RESERVED_PREFIX)) {
            throw new IllegalArgumentException("metric name '" + name + "': the prefix " + RESERVED_PREFIX
                    + " is the host's own");
        }
        List<String> labels = List.of(labelNames);
        Registered known = byName.get(name);
        if (known != null) {
            if (!known.kind().equals(kind) || !known.labelNames().equals(labels) || !known.buckets().equals(buckets)) {
                throw new IllegalArgumentException("metric '" + name + "' is already a " + known.kind()
                        + " with labels " + known.labelNames() + describe(known.buckets())
                        + "; asked for a " + kind + " with labels " + labels + describe(buckets));
            }
            return known.metric();
        }
        Object metric;
        try {
            metric = create.get();
        } catch (IllegalStateException e) {
            // The registry refuses a name it already serves, e.g. one of the JVM metrics.
            throw new IllegalArgumentException("metric '" + name + "': " + e.getMessage(), e);
        }
        byName.put(name, new Registered(kind, labels, buckets, metric));
        return metric;
    }

    private static String describe(List<Double> buckets) {
        return buckets.isEmpty() ? "" : " and buckets " + Arrays.toString(buckets.toArray());
    }
}
