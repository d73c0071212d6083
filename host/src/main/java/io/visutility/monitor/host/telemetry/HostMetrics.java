package io.visutility.monitor.host.telemetry;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.visutility.monitor.host.cluster.KafkaIngest;
import io.visutility.monitor.host.ingest.HttpIngest;
import io.visutility.monitor.host.ingest.IngestCounter;
import io.visutility.monitor.host.ingest.RejectReason;
import java.io.IOException;
import java.io.OutputStream;

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

    /**
     * Registers the host's metrics in {@code registry}, next to those its plugins publish there;
     * {@code host} is read at each scrape.
     */
    public HostMetrics(PrometheusRegistry registry, TelemetrySource host) {
        this.registry = registry;
        JvmMetrics.builder().register(registry);
        received = Counter.builder().name("monitor_events_received")
                .help("Events accepted from a source").labelNames("source").withoutExemplars().register(registry);
        rejected = Counter.builder().name("monitor_events_rejected")
                .help("Events a source sent that were not valid, by reason").labelNames("source", "reason")
                .withoutExemplars().register(registry);
        answered = Counter.builder().name("monitor_http_requests")
                .help("HTTP requests answered, by status").labelNames("status").withoutExemplars().register(registry);
        registry.register(new ObserverCollector(host));
        CounterWithCallback.builder().name("monitor_reloads")
                .help("Manifest and plugin reloads, by result").labelNames("result")
                .callback(callback -> {
                    callback.call(host.reloads(true), "ok");
                    callback.call(host.reloads(false), "failed");
                }).register(registry);
        GaugeWithCallback.builder().name("monitor_plugins_loaded").help("Plugins loaded and started")
                .callback(callback -> callback.call(host.pluginsLoaded())).register(registry);
        GaugeWithCallback.builder().name("monitor_plugins_failed").help("Plugin jars that could not be used")
                .callback(callback -> callback.call(host.pluginsFailed())).register(registry);
    }

    /** Adds the metrics of this host's Kafka stream ({@code ingest.kafka}), read at each scrape. */
    public void add(KafkaIngest stream) {
        CounterWithCallback.builder().name("monitor_kafka_rebalances")
                .help("Rebalances of the Kafka stream this host went through")
                .callback(callback -> callback.call(stream.rebalances())).register(registry);
        GaugeWithCallback.builder().name("monitor_kafka_partitions")
                .help("Partitions of the events topic this host reads")
                .callback(callback -> callback.call(stream.partitions().size())).register(registry);
        GaugeWithCallback.builder().name("monitor_kafka_lag")
                .help("Records this host trails each of its partitions' end by").labelNames("partition")
                .callback(callback -> stream.lag().forEach((partition, lag) -> callback.call(lag, partition)))
                .register(registry);
        GaugeWithCallback.builder().name("monitor_kafka_running")
                .help("1 while the Kafka stream is RUNNING, else 0 (rebalancing, starting, failed)")
                .callback(callback -> callback.call(stream.state().equals("RUNNING") ? 1 : 0)).register(registry);
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
