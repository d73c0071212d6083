package io.visutility.monitor.host.telemetry;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.visutility.monitor.host.Monitor;
import io.visutility.monitor.host.bus.DropReason;
import io.visutility.monitor.host.bus.ObserverStats;
import io.visutility.monitor.host.ingest.HttpIngest;
import io.visutility.monitor.host.ingest.IngestCounter;
import io.visutility.monitor.host.ingest.RejectReason;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The host's own telemetry in Prometheus form (client 1.x): events received and rejected per
 * source, each observer's lane counters (read from the bus at scrape time, so the event path pays
 * nothing for them), reloads, plugins loaded, and the JVM's metrics.
 *
 * <p>Thread-safe: the Prometheus client's metrics are; scrapes may run on any thread.
 */
public final class HostMetrics implements IngestCounter, HttpIngest.MetricsWriter {

    private final PrometheusRegistry registry;
    private final Counter received;
    private final Counter rejected;
    private final Counter answered;

    /** Registers the host's metrics in the monitor's registry, next to those its plugins publish. */
    public HostMetrics(Monitor monitor) {
        registry = monitor.metricsRegistry();
        JvmMetrics.builder().register(registry);
        received = Counter.builder().name("monitor_events_received")
                .help("Events accepted from a source").labelNames("source").withoutExemplars().register(registry);
        rejected = Counter.builder().name("monitor_events_rejected")
                .help("Events a source sent that were not valid, by reason").labelNames("source", "reason")
                .withoutExemplars().register(registry);
        answered = Counter.builder().name("monitor_http_requests")
                .help("HTTP requests answered, by status").labelNames("status").withoutExemplars().register(registry);
        observerCounter("monitor_observer_received", "Events an observer's filters accepted", monitor,
                ObserverStats::received);
        observerCounter("monitor_observer_delivered", "Events whose onEvent returned normally", monitor,
                ObserverStats::delivered);
        observerCounter("monitor_observer_failed", "Events whose onEvent threw", monitor, ObserverStats::failed);
        CounterWithCallback.builder().name("monitor_observer_dropped")
                .help("Events not delivered to an observer, by reason").labelNames("observer", "reason")
                .callback(callback -> monitor.observerStats().forEach((name, stats) -> {
                    for (DropReason reason : DropReason.values()) {
                        callback.call(stats.dropped(reason), name, reason.label());
                    }
                })).register(registry);
        GaugeWithCallback.builder().name("monitor_observer_queued")
                .help("Events waiting in an observer's lane").labelNames("observer")
                .callback(callback -> monitor.observerStats().forEach((name, stats) ->
                        callback.call(stats.queued(), name))).register(registry);
        GaugeWithCallback.builder().name("monitor_observer_paused")
                .help("1 while an observer is paused after repeated failures").labelNames("observer")
                .callback(callback -> monitor.observerStats().forEach((name, stats) ->
                        callback.call(stats.paused() ? 1 : 0, name))).register(registry);
        registry.register(new ProcessingTimeCollector(monitor));
        CounterWithCallback.builder().name("monitor_reloads")
                .help("Manifest and plugin reloads, by result").labelNames("result")
                .callback(callback -> {
                    callback.call(monitor.reloads(true), "ok");
                    callback.call(monitor.reloads(false), "failed");
                }).register(registry);
        GaugeWithCallback.builder().name("monitor_plugins_loaded").help("Plugins loaded and started")
                .callback(callback -> callback.call(monitor.catalog().plugins().size())).register(registry);
        GaugeWithCallback.builder().name("monitor_plugins_failed").help("Plugin jars that could not be used")
                .callback(callback -> callback.call(monitor.catalog().problems().size())).register(registry);
    }

    private void observerCounter(String name, String help, Monitor monitor,
                                 ToLongFunction<ObserverStats> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("observer")
                .callback(callback -> {
                    for (Map.Entry<String, ObserverStats> entry : monitor.observerStats().entrySet()) {
                        callback.call(value.applyAsLong(entry.getValue()), entry.getKey());
                    }
                }).register(registry);
    }

    @Override
    public void accepted(String source, long events) {
        received.labelValues(source).inc(events);
    }

    @Override
    public void rejected(String source, RejectReason reason, long events) {
        rejected.labelValues(source, reason.label()).inc(events);
    }

    @Override
    public void answered(int status) {
        answered.labelValues(Integer.toString(status)).inc();
    }

    @Override
    public String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    /** Writes every metric in the Prometheus text exposition format. */
    @Override
    public void write(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
    }
}
