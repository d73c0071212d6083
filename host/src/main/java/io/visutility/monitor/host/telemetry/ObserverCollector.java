package io.visutility.monitor.host.telemetry;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import io.visutility.monitor.host.Monitor;
import io.visutility.monitor.host.bus.DispatchMode;
import io.visutility.monitor.host.bus.ObserverStats;
import io.visutility.monitor.host.bus.ProcessingTime;
import java.util.Arrays;

/**
 * {@code monitor_observer_processing_seconds}: each async observer's {@code onEvent} time, read
 * from its lane at scrape time (the lanes keep the histogram; the Prometheus client only shows it).
 *
 * <p>Thread-safe: stateless; each scrape reads the lanes anew.
 */
final class ProcessingTimeCollector implements Collector {

    private static final double[] UPPER_BOUNDS = ProcessingTime.UPPER_BOUNDS_SECONDS.stream()
            .mapToDouble(Double::doubleValue).toArray();
    private static final double[] WITH_INF;

    static {
        WITH_INF = Arrays.copyOf(UPPER_BOUNDS, UPPER_BOUNDS.length + 1);
        WITH_INF[UPPER_BOUNDS.length] = Double.POSITIVE_INFINITY;
    }

    private final Monitor monitor;

    ProcessingTimeCollector(Monitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public MetricSnapshot collect() {
        HistogramSnapshot.Builder histogram = HistogramSnapshot.builder().name("monitor_observer_processing_seconds")
                .unit(Unit.SECONDS)
                .help("Time each onEvent call of an async observer took");
        for (ObserverStats stats : monitor.observerStats().values()) {
            if (stats.mode() != DispatchMode.ASYNC) {
                continue;
            }
            ProcessingTime time = stats.processing();
            long[] counts = time.counts().stream().mapToLong(Long::longValue).toArray();
            histogram.dataPoint(HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(WITH_INF, counts))
                    .sum(time.sumNanos() / 1e9)
                    .labels(Labels.of("observer", stats.name()))
                    .build());
        }
        return histogram.build();
    }

    @Override
    public String getPrometheusName() {
        return "monitor_observer_processing_seconds";
    }
}
