package io.visutility.monitor.host.telemetry;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.StatefulMetric;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.visutility.monitor.api.Metrics;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Metrics} plugins publish: Prometheus metrics in the host's registry, served on
 * {@code /metrics} with the host's own. A metric lives as long as the host; observers made again
 * after a reload get the same one back, so counters keep counting. Asked for with another shape
 * (kind, labels, buckets), as a reload that changes a plugin's config or version may, the metric
 * is registered anew with that shape and the old one's series go; handles made for the old shape
 * update the new metric while their kind and labels fit it (a histogram's buckets may differ),
 * and their updates are dropped and counted when not.
 *
 * <p>Each metric holds at most {@value #MAX_SERIES} label combinations: labels come from client
 * data (model names), which must not grow the host's memory without bound. Updates of further
 * combinations are dropped, logged once per metric, and counted in
 * {@code monitor_plugin_metric_series_dropped_total}.
 *
 * <p>Metrics are made without exemplars: the client's exemplar sampler starts a thread on first
 * use that keeps the caller's context class loader, which inside {@code onEvent} is a plugin's.
 *
 * <p>Thread-safe: creating a metric is serialized on this object; updates may come from any thread.
 */
public final class PluginMetrics implements Metrics {

    static final int MAX_SERIES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(PluginMetrics.class);
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** The host's own metrics and the JVM's; a plugin cannot shadow them. */
    private static final List<String> RESERVED_PREFIXES = List.of("monitor_", "jvm_", "process_");
    /** Label names the exposition format gives a meaning of its own. */
    private static final Set<String> RESERVED_LABELS = Set.of("le", "quantile");

    private final PrometheusRegistry registry;
    /** Written under this object's lock; read by every update. */
    private final Map<String, Registered> byName = new ConcurrentHashMap<>();
    private final io.prometheus.metrics.core.metrics.Counter seriesDropped;

    /** What a name is registered as now, to hand the same metric back or replace it. */
    private record Registered(String kind, List<String> labelNames, List<Double> buckets,
                              StatefulMetric<?, ?> metric, Series series) {
    }

    public PluginMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        this.seriesDropped = io.prometheus.metrics.core.metrics.Counter.builder()
                .name("monitor_plugin_metric_series_dropped")
                .help("Updates of plugin metrics dropped: the metric has " + MAX_SERIES
                        + " series, or was registered anew with other labels")
                .labelNames("metric").withoutExemplars().register(registry);
    }

    @Override
    public Counter counter(String name, String help, String... labelNames) {
        if (name != null && name.endsWith("_total")) {
            throw new IllegalArgumentException("counter '" + name + "': leave out _total, the output adds it");
        }
        // Metrics.Counter shadows the Prometheus class's simple name here, hence the full names.
        Registered metric = metric("counter", name, help, labelNames, List.of(), () ->
                io.prometheus.metrics.core.metrics.Counter.builder().name(name).help(help).labelNames(labelNames)
                        .withoutExemplars().register(registry));
        return (amount, labelValues) -> {
            if (point(name, metric, labelValues) instanceof CounterDataPoint point) {
                point.inc(amount);
            }
        };
    }

    @Override
    public Gauge gauge(String name, String help, String... labelNames) {
        Registered metric = metric("gauge", name, help, labelNames, List.of(), () ->
                io.prometheus.metrics.core.metrics.Gauge.builder().name(name).help(help).labelNames(labelNames)
                        .withoutExemplars().register(registry));
        return (value, labelValues) -> {
            if (point(name, metric, labelValues) instanceof GaugeDataPoint point) {
                point.set(value);
            }
        };
    }

    @Override
    public Histogram histogram(String name, String help, List<Double> buckets, String... labelNames) {
        List<Double> bounds = List.copyOf(buckets);
        if (bounds.isEmpty()) {
            throw new IllegalArgumentException("histogram " + name + ": give at least one bucket bound");
        }
        for (int i = 0; i < bounds.size(); i++) {
            if (!Double.isFinite(bounds.get(i)) || i > 0 && bounds.get(i) <= bounds.get(i - 1)) {
                throw new IllegalArgumentException("histogram " + name + ": buckets must be finite and ascending, got "
                        + bounds);
            }
        }
        double[] upper = bounds.stream().mapToDouble(Double::doubleValue).toArray();
        Registered metric = metric("histogram", name, help, labelNames, bounds, () ->
                io.prometheus.metrics.core.metrics.Histogram.builder().name(name).help(help).labelNames(labelNames)
                        .classicOnly().classicUpperBounds(upper).withoutExemplars().register(registry));
        return (value, labelValues) -> {
            if (point(name, metric, labelValues) instanceof DistributionDataPoint point) {
                point.observe(value);
            }
        };
    }

    /**
     * The data point a handle made as {@code made} updates: that of the metric registered under
     * {@code name} now, which a later shape may have replaced (a reloaded observer's buckets, say);
     * its kind and label names still fit, so the update lands there rather than in a metric no
     * scrape sees. Null, and counted, if the metric has no room for a new series or no longer
     * takes these labels.
     */
    private Object point(String name, Registered made, String[] labelValues) {
        if (labelValues.length != made.labelNames().size()) {
            throw new IllegalArgumentException("metric '" + name + "': " + made.labelNames().size()
                    + " label values expected, got " + labelValues.length);
        }
        Registered current = byName.get(name);
        if (current == null || !current.kind().equals(made.kind())
                || !current.labelNames().equals(made.labelNames())) {
            seriesDropped.labelValues(name).inc();
            return null;
        }
        return current.series().point(current.metric(), labelValues);
    }

    private synchronized Registered metric(String kind, String name, String help, String[] labelNames,
                                           List<Double> buckets, Supplier<StatefulMetric<?, ?>> create) {
        checkNames(name, labelNames);
        List<String> labels = List.of(labelNames);
        Registered known = byName.get(name);
        if (known != null) {
            if (known.kind().equals(kind) && known.labelNames().equals(labels) && known.buckets().equals(buckets)) {
                return known;
            }
            LOG.warn("metric '{}' asked for as a {} with labels {}{}, was a {} with labels {}{}: registered anew, "
                            + "its series start over", name, kind, labels, describe(buckets), known.kind(),
                    known.labelNames(), describe(known.buckets()));
            registry.unregister(known.metric());
            byName.remove(name);
        }
        StatefulMetric<?, ?> metric;
        try {
            metric = create.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The client refuses a name the registry already serves, or a bad name or label.
            throw new IllegalArgumentException("metric '" + name + "': " + e.getMessage(), e);
        }
        Registered registered = new Registered(kind, labels, buckets, metric, new Series(name));
        byName.put(name, registered);
        return registered;
    }

    private static void checkNames(String name, String[] labelNames) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name '" + name + "' is not valid: use [a-zA-Z_:][a-zA-Z0-9_:]*");
        }
        for (String prefix : RESERVED_PREFIXES) {
            if (name.startsWith(prefix)) {
                throw new IllegalArgumentException("metric name '" + name + "': the prefix " + prefix
                        + " is the host's own");
            }
        }
        Set<String> seen = new HashSet<>();
        for (String label : labelNames) {
            if (label == null || !LABEL.matcher(label).matches() || label.startsWith("__")
                    || RESERVED_LABELS.contains(label)) {
                throw new IllegalArgumentException("metric '" + name + "': label name '" + label
                        + "' is not valid: use [a-zA-Z_][a-zA-Z0-9_]*, not le, quantile or __...");
            }
            if (!seen.add(label)) {
                throw new IllegalArgumentException("metric '" + name + "': label name '" + label + "' is given twice");
            }
        }
    }

    private static String describe(List<Double> buckets) {
        return buckets.isEmpty() ? "" : " and buckets " + buckets;
    }

    /** The label combinations a metric has, bounded by {@link #MAX_SERIES}. Thread-safe. */
    private final class Series {
        private final String metric;
        private final Set<List<String>> known = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean warned = new AtomicBoolean();

        Series(String metric) {
            this.metric = metric;
        }

        /**
         * The data point of these label values (their number already checked against the metric's
         * label names), or null if the metric has no room for a new one.
         */
        Object point(StatefulMetric<?, ?> metric, String[] labelValues) {
            if (labelValues.length == 0) {
                return metric;
            }
            List<String> key = List.of(labelValues);
            if (!known.contains(key)) {
                // The bound may be passed by a few racing threads; it only has to hold the order of magnitude.
                if (known.size() >= MAX_SERIES) {
                    seriesDropped.labelValues(this.metric).inc();
                    if (warned.compareAndSet(false, true)) {
                        LOG.warn("metric '{}' has {} series: updates of new label values are dropped", this.metric,
                                MAX_SERIES);
                    }
                    return null;
                }
                known.add(key);
            }
            return metric.labelValues(labelValues);
        }
    }
}
