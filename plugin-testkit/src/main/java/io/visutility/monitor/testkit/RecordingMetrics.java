package io.visutility.monitor.testkit;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.visutility.monitor.api.Metrics;
import io.visutility.monitor.host.telemetry.PluginMetrics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host's own {@link Metrics} (same name, label and series checks), over a registry of its own,
 * with the values readable by name and label values.
 *
 * <p>Thread-safe: observers may update metrics from any thread.
 */
public final class RecordingMetrics implements Metrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Metrics metrics = new PluginMetrics(registry);
    private final Map<String, String[]> labelNames = new ConcurrentHashMap<>();

    RecordingMetrics() {
    }

    @Override
    public Counter counter(String name, String help, String... labelNames) {
        Counter counter = metrics.counter(name, help, labelNames);
        this.labelNames.put(name, labelNames.clone());
        return counter;
    }

    @Override
    public Gauge gauge(String name, String help, String... labelNames) {
        Gauge gauge = metrics.gauge(name, help, labelNames);
        this.labelNames.put(name, labelNames.clone());
        return gauge;
    }

    @Override
    public Histogram histogram(String name, String help, List<Double> buckets, String... labelNames) {
        Histogram histogram = metrics.histogram(name, help, buckets, labelNames);
        this.labelNames.put(name, labelNames.clone());
        return histogram;
    }

    /** A counter's value for these label values (in the order of its label names); 0 if never updated. */
    public double counterValue(String name, String... labelValues) {
        return point(name, labelValues).map(p -> ((CounterSnapshot.CounterDataPointSnapshot) p).getValue()).orElse(0.0);
    }

    /** A gauge's value for these label values; empty if never set. */
    public Optional<Double> gaugeValue(String name, String... labelValues) {
        return point(name, labelValues).map(p -> ((GaugeSnapshot.GaugeDataPointSnapshot) p).getValue());
    }

    /** How many values a histogram observed for these label values. */
    public long histogramCount(String name, String... labelValues) {
        return point(name, labelValues).map(p -> ((HistogramSnapshot.HistogramDataPointSnapshot) p).getCount()).orElse(0L);
    }

    /** The sum of the values a histogram observed for these label values. */
    public double histogramSum(String name, String... labelValues) {
        return point(name, labelValues).map(p -> ((HistogramSnapshot.HistogramDataPointSnapshot) p).getSum()).orElse(0.0);
    }

    private Optional<DataPointSnapshot> point(String name, String... labelValues) {
        String[] names = labelNames.get(name);
        if (names == null) {
            throw new IllegalArgumentException("no metric '" + name + "' was asked for; asked for: " + labelNames.keySet());
        }
        if (names.length != labelValues.length) {
            throw new IllegalArgumentException("metric '" + name + "' has labels " + List.of(names) + ", got "
                    + labelValues.length + " values");
        }
        Labels labels = Labels.of(names, labelValues);
        for (MetricSnapshot snapshot : registry.scrape()) {
            if (snapshot.getMetadata().getName().equals(name)) {
                for (DataPointSnapshot point : snapshot.getDataPoints()) {
                    if (point.getLabels().equals(labels)) {
                        return Optional.of(point);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
