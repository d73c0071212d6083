package io.visutility.monitor.host.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.visutility.monitor.api.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginMetricsTest {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PluginMetrics metrics = new PluginMetrics(registry);

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void publishesCountersGaugesAndHistogramsInTheRegistry() throws IOException {
        metrics.counter("sink_writes", "Writes", "observer").inc(2, "archive");
        metrics.gauge("queue_depth", "Depth").set(7);
        Metrics.Histogram latency = metrics.histogram("latency_seconds", "Latency", List.of(0.1, 1.0), "model");
        latency.observe(0.05, "m");
        latency.observe(3, "m");

        assertThat(scrape()).contains(
                "sink_writes_total{observer=\"archive\"} 2.0",
                "queue_depth 7.0",
                "latency_seconds_bucket{model=\"m\",le=\"0.1\"} 1",
                "latency_seconds_bucket{model=\"m\",le=\"1.0\"} 1",
                "latency_seconds_bucket{model=\"m\",le=\"+Inf\"} 2",
                "latency_seconds_sum{model=\"m\"} 3.05");
    }

    @Test
    void theSameNameAndShapeIsTheSameMetricSoCountsSurviveAReload() throws IOException {
        metrics.counter("triggers", "Triggers", "model").inc(1, "m");
        metrics.counter("triggers", "Triggers", "model").inc(1, "m");

        assertThat(scrape()).contains("triggers_total{model=\"m\"} 2.0");
    }

    @Test
    void anotherShapeReplacesTheMetricAndHandlesOfTheOldShapeUpdateTheNewOne() throws IOException {
        Metrics.Histogram before = metrics.histogram("latency_seconds", "Latency", List.of(0.1, 1.0), "model");
        before.observe(0.05, "m");
        Metrics.Histogram after = metrics.histogram("latency_seconds", "Latency", List.of(0.5), "model");
        after.observe(0.05, "n");
        before.observe(0.2, "m"); // e.g. the running observer of a reload that was then rejected

        String scraped = scrape();
        assertThat(scraped).contains("latency_seconds_bucket{model=\"n\",le=\"0.5\"} 1",
                "latency_seconds_bucket{model=\"m\",le=\"0.5\"} 1").doesNotContain("le=\"0.1\"");

        Metrics.Counter labelled = metrics.counter("events", "Events", "model");
        metrics.counter("events", "Events", "model", "version");
        labelled.inc(1, "m"); // its labels no longer fit: dropped, and counted
        assertThat(scrape()).contains("monitor_plugin_metric_series_dropped_total{metric=\"events\"} 1.0")
                .doesNotContain("events_total{model=\"m\"}");
    }

    @Test
    void refusesBadNamesAndLabelsAndTheHostsPrefixes() {
        assertThatThrownBy(() -> metrics.counter("monitor_events", "Mine"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metric name 'monitor_events': the prefix monitor_ is the host's own");
        assertThatThrownBy(() -> metrics.gauge("process_start_time_seconds", "Mine"))
                .hasMessage("metric name 'process_start_time_seconds': the prefix process_ is the host's own");
        assertThatThrownBy(() -> metrics.counter("bad-name", "Bad"))
                .hasMessageContaining("metric name 'bad-name' is not valid");
        assertThatThrownBy(() -> metrics.counter("events_total", "Events"))
                .hasMessage("counter 'events_total': leave out _total, the output adds it");
        // a label given twice would make every scrape of /metrics fail, for every metric
        assertThatThrownBy(() -> metrics.counter("dup", "Dup", "a", "a"))
                .hasMessage("metric 'dup': label name 'a' is given twice");
        assertThatThrownBy(() -> metrics.histogram("h", "H", List.of(1.0), "le"))
                .hasMessageContaining("label name 'le' is not valid");
        assertThatThrownBy(() -> metrics.histogram("h", "H", List.of(1.0, 0.5)))
                .hasMessageContaining("buckets must be finite and ascending");
    }

    @Test
    void wrongLabelValuesAndNegativeIncrementsThrowToTheCaller() {
        Metrics.Counter counter = metrics.counter("events", "Events", "model");

        assertThatThrownBy(() -> counter.inc(1, "m", "extra")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metric 'events': 1 label values expected, got 2");
        assertThatThrownBy(() -> counter.inc(-1, "m")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMetricKeepsAtMostMaxSeriesLabelCombinationsAndCountsTheUpdatesItDrops() throws IOException {
        Metrics.Gauge gauge = metrics.gauge("last_value", "Last", "model");
        for (int i = 0; i < PluginMetrics.MAX_SERIES + 5; i++) {
            gauge.set(i, "model-" + i);
        }
        gauge.set(1, "model-0"); // a known series still updates

        String scraped = scrape();
        assertThat(scraped.lines().filter(line -> line.startsWith("last_value{"))).hasSize(PluginMetrics.MAX_SERIES);
        assertThat(scraped).contains("last_value{model=\"model-0\"} 1.0",
                "monitor_plugin_metric_series_dropped_total{metric=\"last_value\"} 5.0");
    }
}
