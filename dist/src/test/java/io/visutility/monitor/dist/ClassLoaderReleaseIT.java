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
 * plugin class loader must become collectable; and over 50 reloads of a library plugin, every old
 * class loader of it and of the two plugins that depend on it (reloaded with it) too.
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

    @Test
    void everyOldLoaderOfALibraryAndItsTwoDependentsIsCollectedOver50Reloads() throws Exception {
        Distribution dist = new Distribution(root.resolve("install"));
        Path library = new PluginJarBuilder(root.resolve("build-lib"), "counting-lib")
                .source("com.example.lib.Counter", """
                        package com.example.lib;

                        public final class Counter {
                            private long count;

                            public long next() {
                                return ++count;
                            }
                        }
                        """)
                .build("counting-lib.jar");
        Files.copy(library, dist.plugins().resolve("counting-lib.jar"));
        for (String user : List.of("user-a", "user-b")) {
            String pkg = "com.example." + user.replace("-", "");
            Path jar = new PluginJarBuilder(root.resolve("build-" + user), user)
                    .attribute("Plugin-Dependencies", "counting-lib@>=1.0.0")
                    .compiledAgainst(library)
                    .source(pkg + ".CountingObserver", """
                            package %s;

                            @org.pf4j.Extension
                            @io.visutility.monitor.api.ExtensionType("%s")
                            public class CountingObserver implements io.visutility.monitor.api.Observer {
                                private final com.example.lib.Counter counter = new com.example.lib.Counter();

                                @Override
                                public void onEvent(io.visutility.monitor.api.ModelMetricEvent event) {
                                    counter.next();
                                }
                            }
                            """.formatted(pkg, user))
                    .build(user + ".jar");
            Files.copy(jar, dist.plugins().resolve(user + ".jar"));
        }
        dist.writeManifest("""
                reload: {watch: false}
                observers:
                  - name: a
                    type: user-a
                  - name: b
                    type: user-b
                """);
        List<WeakReference<ClassLoader>> replaced = new ArrayList<>();
        try (Monitor monitor = Monitor.start(dist.manifest())) {
            for (int cycle = 0; cycle < 50; cycle++) {
                for (String user : List.of("user-a", "user-b")) {
                    ClassLoader loader = monitor.catalog().observer(user).classLoader();
                    replaced.add(new WeakReference<>(loader));
                    replaced.add(new WeakReference<>(loader.loadClass("com.example.lib.Counter").getClassLoader()));
                }
                monitor.bus().emit(new InferenceLatency(new ModelVersion("m" + cycle, "v1"), cycle, Instant.now()));
                Path staged = root.resolve("staged.jar");
                Distribution.copyWithManifest(library, staged, Map.of("Plugin-Version", "1." + cycle));
                Files.move(staged, dist.plugins().resolve("counting-lib.jar"), StandardCopyOption.REPLACE_EXISTING);
                monitor.jarsChanged(Set.of(), Set.of(), Set.of("counting-lib.jar"));
            }
            assertThat(monitor.catalog().plugins()).extracting(p -> p.id() + " " + p.version())
                    .contains("counting-lib 1.49", "user-a 1.0.0", "user-b 1.0.0");
            assertThat(monitor.observerNames()).containsExactly("a", "b");
            assertThat(replaced.get(0).get()).isNotSameAs(monitor.catalog().observer("user-a").classLoader());

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                System.gc();
                return replaced.stream().filter(ref -> ref.get() != null).count() == 0;
            });
        }
    }
}
