package io.visutility.monitor.host.telemetry;

import static io.visutility.monitor.host.testing.PluginJar.plugin;
import static org.assertj.core.api.Assertions.assertThat;

import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.host.Monitor;
import io.visutility.monitor.host.testing.Journal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HostMetrics} reading a real {@link Monitor} through {@link TelemetrySource}. */
class HostMetricsTest {

    @TempDir
    Path root;

    @Test
    void aScrapeShowsTheHostsPluginsReloadsAndObserverCounters() throws Exception {
        Journal.clear();
        Path plugins = Files.createDirectories(root.resolve("plugins"));
        plugin("recorders").observer("recorder").writeTo(plugins.resolve("recorders.jar"));
        Files.writeString(plugins.resolve("broken.jar"), "not a zip");
        Path manifest = Files.writeString(Files.createDirectories(root.resolve("conf")).resolve("monitor.yaml"), """
                plugins:
                  dir: ../plugins
                observers:
                  - name: console
                    type: recorder
                    dispatch: {mode: sync}
                """);
        try (Monitor monitor = Monitor.start(manifest)) {
            HostMetrics metrics = new HostMetrics(monitor.metricsRegistry(), monitor);
            monitor.bus().emit(new ConceptDrift(new ModelVersion("m", "v1"), 0.01, Instant.EPOCH));
            Files.writeString(manifest, "observers: [");
            monitor.reloadManifest();
            metrics.accepted("stdin", 1);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            metrics.write(out);

            assertThat(out.toString(StandardCharsets.UTF_8)).contains(
                    "monitor_plugins_loaded 1.0\n",
                    "monitor_plugins_failed 1.0\n",
                    "monitor_reloads_total{result=\"ok\"} 0.0\n",
                    "monitor_reloads_total{result=\"failed\"} 1.0\n",
                    "monitor_observer_received_total{observer=\"console\"} 1.0\n",
                    "monitor_observer_delivered_total{observer=\"console\"} 1.0\n",
                    "monitor_events_received_total{source=\"stdin\"} 1.0\n");
        }
    }
}
