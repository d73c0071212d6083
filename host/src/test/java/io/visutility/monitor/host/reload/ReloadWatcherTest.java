package io.visutility.monitor.host.reload;

import static io.visutility.monitor.host.testing.PluginJar.plugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.host.HostVersion;
import io.visutility.monitor.host.Monitor;
import io.visutility.monitor.host.plugins.PluginInfo;
import io.visutility.monitor.host.plugins.PluginProblem;
import io.visutility.monitor.host.testing.Journal;
import io.visutility.monitor.host.testing.PluginJar;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReloadWatcher} on a real folder with the JDK's file-system watcher, driving a real
 * {@link Monitor} whose observers come from jars the test compiles.
 */
class ReloadWatcherTest {

    private static final String MANIFEST = """
            plugins:
              dir: ../plugins
            reload:
              debounce: %s
            observers:
              - name: console
                type: recorder
                dispatch: {mode: sync}
            """;

    @TempDir
    Path root;

    private Path plugins;
    private Path manifest;
    private Monitor monitor;
    private ReloadWatcher watcher;

    @BeforeEach
    void installTheRecorderPlugin() throws IOException {
        Journal.clear();
        plugins = Files.createDirectories(root.resolve("plugins"));
        manifest = Files.createDirectories(root.resolve("conf")).resolve("monitor.yaml");
        plugin("recorders").observer("recorder").writeTo(plugins.resolve("recorders.jar"));
    }

    private void startWatching(String debounce) throws Exception {
        Files.writeString(manifest, MANIFEST.formatted(debounce));
        monitor = Monitor.start(manifest);
        watcher = ReloadWatcher.start(monitor);
    }

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        if (monitor != null) {
            monitor.close();
        }
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(30));
    }

    /** Writes the jar under a hidden name, then renames it into place: how a jar is meant to arrive. */
    private void moveIn(PluginJar jar, String name) throws IOException {
        Path incoming = jar.writeTo(plugins.resolve("." + name + ".tmp"));
        Files.move(incoming, plugins.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private String versionOf(String pluginId) {
        return monitor.catalog().plugins().stream().filter(p -> p.id().equals(pluginId)).map(PluginInfo::version)
                .findFirst().orElse(null);
    }

    private void emit(String model) {
        monitor.bus().emit(new ConceptDrift(new ModelVersion(model, "v1"), 0.01, Instant.EPOCH));
    }

    @Test
    void aJarMovedInIsLoaded() throws Exception {
        startWatching("100ms");

        moveIn(plugin("extra").observer("extra-observer"), "extra.jar");

        eventually().until(() -> monitor.reloads(true) == 1); // counted once the reload is complete
        assertThat(versionOf("extra")).isNotNull();
        assertThat(monitor.catalog().plugins()).extracting(PluginInfo::jar)
                .containsExactly("extra.jar", "recorders.jar");
        assertThat(monitor.catalog().problems()).isEmpty();
        assertThat(Journal.linesOf("console")).containsExactly("console #1 start 1.0.0 label=");
    }

    @Test
    void aManifestEditIsAppliedAndABrokenOneRejectedWithItsLine() throws Exception {
        startWatching("100ms");

        Files.writeString(manifest, MANIFEST.formatted("100ms") + """
                  - name: second
                    type: recorder
                    config: {label: added}
                """);
        eventually().until(() -> monitor.observerNames().size() == 2);
        Files.writeString(manifest, MANIFEST.formatted("100ms") + """
                  - name: broken
                    type: [recorder
                """);
        eventually().until(() -> monitor.reloads(false) == 1);

        assertThat(monitor.lastReloadError()).isEqualTo(manifest + ":11: YAML syntax: expected ',' or ']', but got "
                + "<stream end> (the flow sequence opened at line 10, column 11)");
        assertThat(monitor.observerNames()).containsExactly("console", "second");
        assertThat(monitor.reloads(true)).isEqualTo(1);
        assertThat(Journal.linesOf("second")).containsExactly("second #2 start 1.0.0 label=added");
        assertThat(Journal.linesOf("console")).containsExactly("console #1 start 1.0.0 label=");
    }

    /**
     * The copy outlasts the watcher's cap of ten debounces, so the watcher looks at the jar at
     * least once while it is still growing; it may read it only once its size has stopped changing.
     */
    @Test
    void aJarStillBeingCopiedIsReadOnlyOnceItsSizeIsStable() throws Exception {
        startWatching("300ms");
        byte[] jar = Files.readAllBytes(plugin("slow").observer("slow-observer").writeTo(root.resolve("slow.jar")));
        int chunks = 120;

        try (OutputStream copy = Files.newOutputStream(plugins.resolve("slow.jar"))) {
            for (int i = 0; i < chunks; i++) {
                copy.write(Arrays.copyOfRange(jar, i * jar.length / chunks, (i + 1) * jar.length / chunks));
                copy.flush();
                TimeUnit.MILLISECONDS.sleep(30); // the pace of a slow copy (3.6 s in all), not a wait for a result
            }
        }

        // The plugin is in the catalog a moment before the reload that loaded it is counted.
        eventually().until(() -> versionOf("slow") != null && monitor.reloads(true) > 0);
        // One reload, of the whole jar: a look at the half-copied one would have been a reload of its own.
        assertThat(monitor.reloads(true)).isEqualTo(1);
        assertThat(monitor.catalog().problems()).isEmpty();
    }

    @Test
    void aReplacementThatFailsKeepsTheLastGoodVersionAndTheNextGoodOneReplacesIt() throws Exception {
        startWatching("100ms");

        moveIn(plugin("recorders").version("2.0.0").attribute("Plugin-Requires", ">=9.0.0").observer("recorder"),
                "recorders.jar");
        eventually().until(() -> monitor.reloads(false) == 1);
        emit("after-failed-upgrade");

        assertThat(versionOf("recorders")).isEqualTo("1.0.0");
        assertThat(monitor.catalog().problems()).containsExactly(new PluginProblem("recorders.jar",
                "plugin recorders requires host version '>=9.0.0' (Plugin-Requires), this host is " + HostVersion.current()));
        eventually().untilAsserted(() -> assertThat(Journal.linesOf("console")).containsExactly(
                "console #1 start 1.0.0 label=", "console #1 stop",
                "console #2 start 1.0.0 label=", "console #2 concept_drift after-failed-upgrade"));

        moveIn(plugin("recorders").version("3.0.0").observer("recorder"), "recorders.jar");
        eventually().until(() -> "3.0.0".equals(versionOf("recorders")));
        emit("after-upgrade");

        assertThat(monitor.catalog().problems()).isEmpty();
        // The plugin's new version is loaded before its observer is restarted: the event may wait for it.
        eventually().untilAsserted(() -> assertThat(Journal.linesOf("console")).endsWith("console #2 stop",
                "console #3 start 3.0.0 label=", "console #3 concept_drift after-upgrade"));
    }

    @Test
    void aRemovedJarStopsItsObserverWhichStartsAgainWhenTheJarIsBack() throws Exception {
        startWatching("100ms");
        Path aside = Files.move(plugins.resolve("recorders.jar"), root.resolve("recorders.jar"));

        eventually().until(() -> monitor.catalog().plugins().isEmpty());
        assertThat(monitor.observerNames()).isEmpty();
        assertThat(Journal.linesOf("console")).containsExactly("console #1 start 1.0.0 label=", "console #1 stop");

        Files.move(aside, plugins.resolve("recorders.jar"));
        eventually().until(() -> monitor.observerNames().contains("console"));
        emit("back");

        eventually().untilAsserted(() -> assertThat(Journal.linesOf("console")).endsWith(
                "console #2 start 1.0.0 label=", "console #2 concept_drift back"));
    }
}
