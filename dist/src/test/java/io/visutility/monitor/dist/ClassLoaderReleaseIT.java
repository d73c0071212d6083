package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.host.Monitor;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a plugin is replaced, nothing of the host may keep its class loader: over 100 reloads of
 * the console logger, the drift strategies (used by a running retraining trigger), the retraining
 * trigger and the model metrics (both publish metrics from onEvent), every old
 * plugin class loader must become collectable.
 */
class ClassLoaderReleaseIT {

    @TempDir
    Path root;

    @Test
    void everyReplacedPluginsClassLoaderIsCollectedOver100Reloads() throws Exception {
        Distribution dist = new Distribution(root);
        dist.writeManifest("""
                reload: {watch: false}
                observers:
                  - name: console
                    type: console-logger
                    events: [concept_drift]
                  - name: retrain
                    type: retraining-trigger
                    strategy: {type: p-value}
                  - name: model-metrics
                    type: prometheus-model-metrics
                """);
        List<WeakReference<ClassLoader>> replaced = new ArrayList<>();
        try (Monitor monitor = Monitor.start(dist.manifest())) {
            for (int cycle = 0; cycle < 100; cycle++) {
                replaced.add(new WeakReference<>(monitor.catalog().observer("console-logger").classLoader()));
                replaced.add(new WeakReference<>(monitor.catalog().strategy("p-value").classLoader()));
                replaced.add(new WeakReference<>(monitor.catalog().observer("retraining-trigger").classLoader()));
                replaced.add(new WeakReference<>(monitor.catalog().observer("prometheus-model-metrics").classLoader()));
                ModelVersion model = new ModelVersion("m" + cycle, "v1");
                monitor.bus().emit(new ConceptDrift(model, 0.001, Instant.now()));
                monitor.bus().emit(new InferenceLatency(model, cycle, Instant.now()));
                // retraining-trigger and prometheus-model-metrics publish metrics from onEvent: what the
                // metrics client keeps must not hold their class loaders either
                List<String> reloaded = List.of("console-logger", "drift-strategies", "retraining-trigger",
                        "prometheus-model-metrics");
                for (String plugin : reloaded) {
                    Path bundled = Distribution.bundledPlugin(plugin);
                    Path staged = root.resolve("staged.jar");
                    Distribution.copyWithManifest(bundled, staged, Map.of("Plugin-Version", "1." + cycle));
                    Files.move(staged, dist.plugins().resolve(bundled.getFileName()),
                            StandardCopyOption.REPLACE_EXISTING);
                }
                Set<String> changed = new HashSet<>();
                for (String plugin : reloaded) {
                    changed.add(Distribution.bundledPlugin(plugin).getFileName().toString());
                }
                monitor.jarsChanged(Set.of(), Set.of(), changed);
            }
            assertThat(monitor.catalog().plugins()).extracting(p -> p.id() + " " + p.version())
                    .contains("console-logger 1.99", "drift-strategies 1.99", "retraining-trigger 1.99",
                            "prometheus-model-metrics 1.99");
            assertThat(monitor.observerNames()).containsExactly("console", "retrain", "model-metrics");

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                System.gc();
                return replaced.stream().filter(ref -> ref.get() != null).count() == 0;
            });
        }
    }
}
