package io.visutility.monitor.host.telemetry;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.visutility.monitor.host.bus.DispatchMode;
import io.visutility.monitor.host.bus.DropReason;
import io.visutility.monitor.host.bus.ObserverStats;
import io.visutility.monitor.host.bus.ProcessingTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Each observer's lane counters and {@code onEvent} time, read from the bus at scrape time (the
 * lanes keep them; the Prometheus client only shows them): {@code monitor_observer_received},
 * {@code _delivered}, {@code _failed}, {@code _dropped} by reason, {@code _queued}, {@code _paused}
 * and, for async observers, {@code monitor_observer_processing_seconds}. One scrape reads every
 * lane's stats once, for all of them.
 *
 * <p>Thread-safe: stateless; each scrape reads the lanes anew.
 */
final class ObserverCollector implements MultiCollector {

    private static final String PROCESSING = "monitor_observer_processing_seconds";
    private static final double[] UPPER_BOUNDS;

    static {
        double[] bounds = ProcessingTime.UPPER_BOUNDS_SECONDS.stream().mapToDouble(Double::doubleValue).toArray();
        UPPER_BOUNDS = Arrays.copyOf(bounds, bounds.length + 1);
        UPPER_BOUNDS[bounds.length] = Double.POSITIVE_INFINITY;
    }

    private final TelemetrySource host;

    ObserverCollector(TelemetrySource host) {
        this.host = host;
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, ObserverStats> all = host.observerStats();
        CounterSnapshot.Builder received = counter("monitor_observer_received", "Events an observer's filters accepted");
        CounterSnapshot.Builder delivered = counter("monitor_observer_delivered", "Events whose onEvent returned normally");
        CounterSnapshot.Builder failed = counter("monitor_observer_failed", "Events whose onEvent threw");
        CounterSnapshot.Builder dropped = counter("monitor_observer_dropped",
                "Events not delivered to an observer, by reason");
        GaugeSnapshot.Builder queued = GaugeSnapshot.builder().name("monitor_observer_queued")
                .help("Events waiting in an observer's lane");
        GaugeSnapshot.Builder paused = GaugeSnapshot.builder().name("monitor_observer_paused")
                .help("1 while an observer is paused after repeated failures");
        HistogramSnapshot.Builder processing = HistogramSnapshot.builder().name(PROCESSING).unit(Unit.SECONDS)
                .help("Time each onEvent call of an async observer took");
        all.forEach((name, stats) -> {
            Labels observer = Labels.of("observer", name);
            received.dataPoint(count(stats.received(), observer));
            delivered.dataPoint(count(stats.delivered(), observer));
            failed.dataPoint(count(stats.failed(), observer));
            for (DropReason reason : DropReason.values()) {
                dropped.dataPoint(count(stats.dropped(reason), Labels.of("observer", name, "reason", reason.label())));
            }
            queued.dataPoint(GaugeDataPointSnapshot.builder().value(stats.queued()).labels(observer).build());
            paused.dataPoint(GaugeDataPointSnapshot.builder().value(stats.paused() ? 1 : 0).labels(observer).build());
            if (stats.mode() == DispatchMode.ASYNC) {
                ProcessingTime time = stats.processing();
                long[] counts = time.counts().stream().mapToLong(Long::longValue).toArray();
                processing.dataPoint(HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(UPPER_BOUNDS, counts))
                        .sum(time.sumNanos() / 1e9).labels(observer).build());
            }
        });
        return MetricSnapshots.of(received.build(), delivered.build(), failed.build(), dropped.build(), queued.build(),
                paused.build(), processing.build());
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of("monitor_observer_received", "monitor_observer_delivered", "monitor_observer_failed",
                "monitor_observer_dropped", "monitor_observer_queued", "monitor_observer_paused", PROCESSING);
    }

    private static CounterSnapshot.Builder counter(String name, String help) {
        return CounterSnapshot.builder().name(name).help(help);
    }

    private static CounterDataPointSnapshot count(long value, Labels labels) {
        return CounterDataPointSnapshot.builder().value(value).labels(labels).build();
    }
}
