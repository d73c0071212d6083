package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.dist.Distribution.Result;
import io.visutility.monitor.dist.Distribution.Started;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins that depend on plugins, on the distribution: a library plugin ({@code greetings}, one
 * class and no extensions) and a plugin whose observer uses its class ({@code greeter}), jars that
 * cannot load (a missing dependency, a cycle, a version out of range) next to the bundled plugins,
 * and a plugin's own extension point with an extension from another plugin. Every jar is built by
 * the test against the distribution's {@code lib/}, as a third party builds one.
 */
class PluginDependenciesIT {

    private static final String GREETER_DEPENDENCIES = "greetings@>=1.0.0 & <3.0.0";

    @TempDir
    Path root;

    /** The library plugin: {@code Greeting.text()} says its version. */
    private Path greetings(String version, Path dir) throws IOException {
        return new PluginJarBuilder(root.resolve("build-greetings-" + version + "-" + dir.getFileName()), "greetings")
                .attribute("Plugin-Version", version)
                .source("com.example.greetings.Greeting", """
                        package com.example.greetings;

                        public final class Greeting {
                            public static String text() {
                                return "greetings %s";
                            }
                        }
                        """.formatted(version))
                .build("greetings.jar");
    }

    /** Installs the library plugin in {@code dir} by atomic rename, as an operator does. */
    private void install(Path jar, Path dir) throws IOException {
        Path staged = dir.resolve("." + jar.getFileName() + ".tmp");
        Files.copy(jar, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, dir.resolve(jar.getFileName()), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Observer type {@code greeter} appends "<greeting at its start> <latency_ms>" per event to its config's {@code path}. */
    private Path greeter() throws IOException {
        Path library = greetings("1.0.0", root);
        return new PluginJarBuilder(root.resolve("build-greeter"), "greeter")
                .attribute("Plugin-Dependencies", GREETER_DEPENDENCIES)
                .compiledAgainst(library)
                .source("com.example.greeter.GreeterObserver", """
                        package com.example.greeter;

                        import com.example.greetings.Greeting;
                        import io.visutility.monitor.api.ExtensionType;
                        import io.visutility.monitor.api.InferenceLatency;
                        import io.visutility.monitor.api.ModelMetricEvent;
                        import io.visutility.monitor.api.Observer;
                        import io.visutility.monitor.api.ObserverContext;
                        import java.io.BufferedWriter;
                        import java.nio.file.Files;
                        import java.nio.file.Path;
                        import java.nio.file.StandardOpenOption;
                        import org.pf4j.Extension;

                        @Extension
                        @ExtensionType("greeter")
                        public class GreeterObserver implements Observer {
                            private BufferedWriter out;
                            private String greeting;

                            @Override
                            public void start(ObserverContext context) throws Exception {
                                greeting = Greeting.text();
                                out = Files.newBufferedWriter(Path.of(context.settings().getString("path")),
                                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                                context.logger().info("started with {}", greeting);
                            }

                            @Override
                            public void onEvent(ModelMetricEvent event) throws Exception {
                                out.write(greeting + " " + ((InferenceLatency) event).latencyMs() + "\\n");
                                out.flush();
                            }

                            @Override
                            public void stop() throws Exception {
                                out.close();
                            }
                        }
                        """)
                .build("greeter.jar");
    }

    private Distribution greeterInstalled() throws Exception {
        Distribution dist = new Distribution(root.resolve("install"));
        install(greetings("1.0.0", root.resolve("install")), dist.plugins());
        install(greeter(), dist.plugins());
        dist.writeManifest("""
                plugins:
                  dir: ../plugins
                reload:
                  debounce: 100ms
                observers:
                  - name: greeter
                    type: greeter
                    config: {path: %s}
                """.formatted(root.resolve("greeter.txt")));
        return dist;
    }

    private List<String> greeted() throws IOException {
        Path file = root.resolve("greeter.txt");
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void aJarWithAnUnsatisfiableDependencySortedFirstLeavesEveryBundledPluginLoaded() throws Exception {
        Distribution dist = new Distribution(root.resolve("install"));
        new PluginJarBuilder(root.resolve("build-bad"), "needs-nonexistent")
                .attribute("Plugin-Dependencies", "nonexistent@>=1.0.0")
                .source("com.example.bad.Helper", "package com.example.bad; public final class Helper {}")
                .build("0-needs-nonexistent.jar");
        install(root.resolve("build-bad/0-needs-nonexistent.jar"), dist.plugins());

        Result plugins = dist.run("plugins", "--config", dist.manifest().toString());

        assertThat(plugins.exitCode()).as(plugins.toString()).isEqualTo(1);
        for (Path bundled : Distribution.bundledPlugins()) {
            assertThat(plugins.stdout()).contains("(" + bundled.getFileName() + ")");
        }
        assertThat(plugins.stdout()).contains("  WAITS 0-needs-nonexistent.jar: plugin needs-nonexistent 1.0.0 waits "
                + "for nonexistent >=1.0.0: no plugin nonexistent is in the plugins folder");
        assertThat(plugins.stderr()).contains("1 of " + (Distribution.bundledPlugins().size() + 1)
                + " jars waits for a dependency").doesNotContain("cannot load");

        Path events = dist.writeFile("events.jsonl",
                "{\"type\":\"concept_drift\",\"model\":\"m\",\"version\":\"v1\",\"p_value\":0.001}\n");
        Result run = dist.run("run", "--config", dist.manifest().toString(), "--replay", events.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).contains("observer.console - concept_drift ", "retraining triggered")
                .contains("plugin 0-needs-nonexistent.jar waits: plugin needs-nonexistent 1.0.0 waits for nonexistent");
        assertThat(run.count("0-needs-nonexistent.jar")).isEqualTo(1);
    }

    @Test
    void aPluginUsesALibraryPluginsClassAndPicksUpItsNewVersionWithoutLosingAnEvent() throws Exception {
        Distribution dist = greeterInstalled();
        Result plugins = dist.run("plugins", "--config", dist.manifest().toString());
        assertThat(plugins.exitCode()).as(plugins.toString()).isZero();
        assertThat(plugins.stdout()).contains("""
                  greeter 1.0.0 (greeter.jar)
                    observer: greeter
                    depends on: greetings@>=1.0.0 & <3.0.0
                """, """
                  greetings 1.0.0 (greetings.jar)
                    used by: greeter 1.0.0
                    library: no observer or strategy types
                """);

        Started host = dist.start("run", "--config", dist.manifest().toString(), "--replay", "-");
        Feeder feeder = new Feeder(host.process().getOutputStream());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> host.stderr().contains("reload: watching"));
            feeder.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> greeted().size() > 100);

            install(greetings("2.0.0", root.resolve("v2")), dist.plugins());

            await().atMost(Duration.ofSeconds(30)).until(() -> host.stderr().contains(
                    "reload: plugin greetings 1.0.0 -> 2.0.0, plugins that depend on it reloaded: greeter, "
                            + "observers restarted: greeter ("));
            await().atMost(Duration.ofSeconds(30)).until(() -> greeted().stream()
                    .filter(line -> line.startsWith("greetings 2.0.0 ")).count() > 100);
        } finally {
            feeder.halt();
        }
        Result result = host.await(60);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> lines = greeted();
        assertThat(lines.stream().map(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1))).toList())
                .as("every event once, in order").containsExactlyElementsOf(
                        LongStream.range(0, feeder.fed.get()).boxed().toList());
        assertThat(lines.get(0)).startsWith("greetings 1.0.0 ");
        assertThat(lines.get(lines.size() - 1)).startsWith("greetings 2.0.0 ");
    }

    @Test
    void theLibraryRemovedStopsItsUsersObserverWithTheReasonAndPutBackRestartsIt() throws Exception {
        Distribution dist = greeterInstalled();
        Started host = dist.start("run", "--config", dist.manifest().toString());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> host.stderr().contains("reload: watching"));

            Files.delete(dist.plugins().resolve("greetings.jar"));

            await().atMost(Duration.ofSeconds(30)).until(() -> host.stderr().contains(
                    "reload: plugin greetings 1.0.0 removed (greetings.jar), plugins that need it wait for it: greeter, "
                            + "observers stopped: greeter"));
            // Logged just after the removal line, so it may not have reached the pipe yet.
            await().atMost(Duration.ofSeconds(30)).until(() -> host.stderr().contains("observers waiting for a plugin "
                    + "that provides their type: greeter (greeter: needs plugin greetings 1.0.0 (greetings.jar), which "
                    + "was removed)"));
            assertThat(host.stderr()).contains("observer 'greeter' stopped", "plugin greeter.jar waits: plugin greeter "
                    + "1.0.0 waits for greetings >=1.0.0 & <3.0.0: no plugin greetings is in the plugins folder");

            install(greetings("1.0.0", root.resolve("again")), dist.plugins());

            await().atMost(Duration.ofSeconds(30)).until(() -> host.stderr().contains("reload: observers started: greeter"));
            assertThat(host.stderr()).contains("reload: plugin greeter 1.0.0 added (greeter.jar)");
            assertThat(count(host.stderr(), "observer.greeter - started with greetings 1.0.0")).isEqualTo(2);
        } finally {
            host.process().destroy();
            host.process().waitFor();
        }
    }

    @Test
    void aCycleAndAnUnmetVersionRangeAreEachRefusedWithTheirReasonAndTheRestLoads() throws Exception {
        Distribution dist = greeterInstalled();
        for (String[] jar : List.of(new String[] {"cycle-a", "cycle-b"}, new String[] {"cycle-b", "cycle-a@>=1.0.0"},
                new String[] {"wants-new", "greetings@>=5.0.0"})) {
            install(new PluginJarBuilder(root.resolve("build-" + jar[0]), jar[0])
                    .attribute("Plugin-Dependencies", jar[1])
                    .source("com.example." + jar[0].replace("-", "") + ".Helper",
                            "package com.example." + jar[0].replace("-", "") + "; public final class Helper {}")
                    .build(jar[0] + ".jar"), dist.plugins());
        }

        Result plugins = dist.run("plugins", "--config", dist.manifest().toString());

        assertThat(plugins.exitCode()).as(plugins.toString()).isEqualTo(1);
        assertThat(plugins.stdout()).contains(
                "  WAITS cycle-a.jar: plugin cycle-a 1.0.0 is in a dependency cycle: cycle-a -> cycle-b -> cycle-a "
                        + "(Plugin-Dependencies); none of them can load",
                "  WAITS cycle-b.jar: plugin cycle-b 1.0.0 is in a dependency cycle: cycle-b -> cycle-a -> cycle-b "
                        + "(Plugin-Dependencies); none of them can load",
                "  WAITS wants-new.jar: plugin wants-new 1.0.0 waits for greetings >=5.0.0: greetings 1.0.0 is loaded "
                        + "(greetings.jar)",
                "  greeter 1.0.0 (greeter.jar)");
        for (Path bundled : Distribution.bundledPlugins()) {
            assertThat(plugins.stdout()).contains("(" + bundled.getFileName() + ")");
        }
        assertThat(plugins.stderr()).contains("3 of " + (Distribution.bundledPlugins().size() + 5)
                + " jars wait for a dependency");
    }

    @Test
    void verifyPluginChecksAJarsDependenciesAgainstAPluginsFolder() throws Exception {
        Distribution dist = greeterInstalled();
        Path greeter = dist.plugins().resolve("greeter.jar");

        Result against = dist.run("verify-plugin", "--plugins", dist.plugins().toString(), greeter.toString());
        Path without = Files.createDirectories(root.resolve("bundled-only"));
        Result missing = dist.run("verify-plugin", "--plugins", without.toString(), greeter.toString());

        assertThat(against.exitCode()).as(against.toString()).isZero();
        assertThat(against.stdout()).contains("greeter.jar: ok: plugin greeter 1.0.0 loads on host " + Distribution.VERSION + "; provides "
                + "observer greeter");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.stdout()).contains("greeter.jar: error: Plugin-Dependencies wants greetings >=1.0.0 & <3.0.0, "
                + "which is not in the --plugins folder: the host would keep the jar waiting for it");
    }

    @Test
    void aPluginsExtensionPointFindsAnExtensionFromAnotherPluginThroughTheApi() throws Exception {
        Distribution dist = new Distribution(root.resolve("install"));
        Path alerts = new PluginJarBuilder(root.resolve("build-alerts"), "alerts")
                .source("com.example.alerts.Notifier", """
                        package com.example.alerts;

                        /** Where the alerts plugin sends an alert; other plugins contribute them. */
                        public interface Notifier extends org.pf4j.ExtensionPoint {
                            String channel();
                        }
                        """)
                .source("com.example.alerts.AlertObserver", """
                        package com.example.alerts;

                        import io.visutility.monitor.api.ExtensionType;
                        import io.visutility.monitor.api.ModelMetricEvent;
                        import io.visutility.monitor.api.Observer;
                        import io.visutility.monitor.api.ObserverContext;
                        import java.util.List;
                        import org.pf4j.Extension;

                        @Extension
                        @ExtensionType("alerts")
                        public class AlertObserver implements Observer {
                            private List<Notifier> notifiers;
                            private ObserverContext context;

                            @Override
                            public void start(ObserverContext context) {
                                this.context = context;
                                notifiers = context.extensions(Notifier.class);
                                context.logger().info("notifiers: {}",
                                        notifiers.stream().map(Notifier::channel).toList());
                            }

                            @Override
                            public void onEvent(ModelMetricEvent event) {
                                notifiers.forEach(n -> context.logger().info("alert via {}: {}", n.channel(), event.type()));
                            }
                        }
                        """)
                .build("alerts.jar");
        install(alerts, dist.plugins());
        install(new PluginJarBuilder(root.resolve("build-slack"), "slack-notifier")
                .attribute("Plugin-Dependencies", "alerts@>=1.0.0")
                .compiledAgainst(alerts)
                .source("com.example.slack.SlackNotifier", """
                        package com.example.slack;

                        import com.example.alerts.Notifier;
                        import org.pf4j.Extension;

                        @Extension
                        public class SlackNotifier implements Notifier {
                            @Override
                            public String channel() {
                                return "slack";
                            }
                        }
                        """)
                .build("slack-notifier.jar"), dist.plugins());
        dist.writeManifest("""
                plugins:
                  dir: ../plugins
                observers:
                  - name: alerts
                    type: alerts
                """);
        Path events = dist.writeFile("events.jsonl",
                "{\"type\":\"concept_drift\",\"model\":\"m\",\"version\":\"v1\",\"p_value\":0.001}\n");

        Result run = dist.run("run", "--config", dist.manifest().toString(), "--replay", events.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).contains("observer.alerts - notifiers: [slack]",
                "observer.alerts - alert via slack: concept_drift");
    }

    private static long count(String text, String part) {
        return text.lines().filter(line -> line.contains(part)).count();
    }

    /** Writes inference_latency events to the host's stdin, latency_ms counting up from 0, until halted. */
    private static final class Feeder extends Thread {
        private final OutputStream stdin;
        private final AtomicBoolean feeding = new AtomicBoolean(true);
        private final AtomicLong fed = new AtomicLong();

        Feeder(OutputStream stdin) {
            super("feeder");
            this.stdin = stdin;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (feeding.get()) {
                    stdin.write(("{\"type\":\"inference_latency\",\"model\":\"m\",\"version\":\"v1\",\"latency_ms\":"
                            + fed.get() + "}\n").getBytes(StandardCharsets.UTF_8));
                    stdin.flush();
                    fed.incrementAndGet();
                    Thread.sleep(2);
                }
            } catch (IOException | InterruptedException e) {
                // the host is gone or the test is over
            }
        }

        /** Stops feeding and closes stdin: the host replays what it got, then exits. */
        void halt() throws InterruptedException, IOException {
            feeding.set(false);
            join();
            stdin.close();
        }
    }
}
