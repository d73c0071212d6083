package io.visutility.monitor.host;

import static io.visutility.monitor.host.testing.PluginJar.plugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.host.testing.Journal;
import io.visutility.monitor.host.testing.PluginJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link Monitor} whose observer comes from a plugin that depends on a library plugin: what a
 * reload, removal or arrival of the library does to it ({@link Monitor#jarsChanged}, as the
 * reload watcher calls it), on jars the test compiles.
 */
class DependencyReloadTest {

    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

    @TempDir
    Path root;

    @TempDir
    Path elsewhere;

    private Path plugins;
    private Path manifest;
    private Monitor monitor;

    @BeforeEach
    void folders() throws Exception {
        Journal.clear();
        plugins = Files.createDirectories(root.resolve("plugins"));
        manifest = Files.createDirectories(root.resolve("conf")).resolve("monitor.yaml");
    }

    @AfterEach
    void close() {
        if (monitor != null) {
            monitor.close();
        }
    }

    /** The library: {@code lib.Greeting.text()} says its version. */
    private static PluginJar library(String version) {
        return plugin("lib").version(version).source("lib.Greeting", """
                package lib;

                public final class Greeting {
                    public static String text() {
                        return "lib %s";
                    }
                }
                """.formatted(version));
    }

    /** Observer type {@code user} records its start with the library's text, and each event's latency. */
    private PluginJar user(String dependencies) throws Exception {
        Path lib = library("1.0.0").writeTo(elsewhere.resolve("lib-for-compiling.jar"));
        return plugin("user").dependsOn(dependencies).compiledAgainst(lib).source("user.UserObserver", """
                package user;

                import io.visutility.monitor.host.testing.Journal;

                @org.pf4j.Extension
                @io.visutility.monitor.api.ExtensionType("user")
                public class UserObserver implements io.visutility.monitor.api.Observer {
                    private final int instance = Journal.newInstance();

                    @Override
                    public void start(io.visutility.monitor.api.ObserverContext context) {
                        String text;
                        try {
                            text = lib.Greeting.text();
                        } catch (NoClassDefFoundError e) {
                            text = "no lib";
                        }
                        Journal.record("user #" + instance + " start " + text);
                    }

                    @Override
                    public void onEvent(io.visutility.monitor.api.ModelMetricEvent event) {
                        Journal.record("user #" + instance + " event "
                                + ((io.visutility.monitor.api.InferenceLatency) event).latencyMs());
                    }

                    @Override
                    public void stop() {
                        Journal.record("user #" + instance + " stop");
                    }
                }
                """);
    }

    private void start() throws Exception {
        Files.writeString(manifest, """
                plugins:
                  dir: ../plugins
                reload: {watch: false}
                observers:
                  - name: user
                    type: user
                """);
        monitor = Monitor.start(manifest);
    }

    private void emit(long latency) {
        monitor.bus().emit(new InferenceLatency(new ModelVersion("m", "v1"), latency, T));
    }

    private static List<Long> eventsSeen() {
        return Journal.lines().stream().filter(line -> line.contains(" event "))
                .map(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1))).toList();
    }

    @Test
    void replacingTheLibraryWhileEventsFlowRestartsTheUserOnTheNewVersionAndLosesNoEvent() throws Exception {
        library("1.0.0").writeTo(plugins.resolve("lib.jar"));
        user("lib@>=1.0.0 & <3.0.0").writeTo(plugins.resolve("user.jar"));
        start();
        library("2.0.0").writeTo(plugins.resolve("lib.jar"));
        AtomicBoolean flowing = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        Thread producer = new Thread(() -> {
            int after = 0;
            while (flowing.get() || after++ < 200) {
                emit(sent.incrementAndGet());
                LockSupport.parkNanos(50_000); // a steady flow, not a flood the journal cannot be read back from
            }
        });
        producer.start();
        await().until(() -> sent.get() > 50);

        monitor.jarsChanged(Set.of(), Set.of(), Set.of("lib.jar"));
        flowing.set(false);
        producer.join();

        await().atMost(Duration.ofSeconds(30)).until(() -> eventsSeen().size() == sent.get());
        assertThat(eventsSeen()).containsExactlyElementsOf(
                IntStream.rangeClosed(1, sent.get()).mapToObj(i -> (long) i).toList());
        assertThat(Journal.lines()).contains("user #1 start lib 1.0.0", "user #1 stop", "user #2 start lib 2.0.0");
        assertThat(monitor.catalog().plugins()).extracting(p -> p.id() + " " + p.version())
                .containsExactly("lib 2.0.0", "user 1.0.0");
    }

    @Test
    void removingTheLibraryStopsTheUserWithTheReasonAndPuttingItBackRestartsIt() throws Exception {
        Path lib = library("1.0.0").writeTo(plugins.resolve("lib.jar"));
        user("lib").writeTo(plugins.resolve("user.jar"));
        start();

        Files.delete(lib);
        monitor.jarsChanged(Set.of("lib.jar"), Set.of(), Set.of());

        assertThat(Journal.lines()).containsExactly("user #1 start lib 1.0.0", "user #1 stop");
        assertThat(monitor.observerNames()).isEmpty();
        assertThat(monitor.state()).contains(
                "plugin WAITS user.jar: plugin user 1.0.0 waits for lib any version: no plugin lib is in the plugins folder",
                "observer user: waiting for type user (needs plugin lib 1.0.0 (lib.jar), which was removed)");

        library("1.0.0").writeTo(plugins.resolve("lib.jar"));
        monitor.jarsChanged(Set.of(), Set.of("lib.jar"), Set.of());

        assertThat(monitor.observerNames()).containsExactly("user");
        assertThat(Journal.lines()).last().isEqualTo("user #2 start lib 1.0.0");
        emit(7);
        await().until(() -> eventsSeen().equals(List.of(7L)));
    }

    @Test
    void aFailedReloadOfTheLibraryKeepsItsLastGoodVersionAndTheUserRunning() throws Exception {
        library("1.0.0").writeTo(plugins.resolve("lib.jar"));
        user("lib").writeTo(plugins.resolve("user.jar"));
        start();

        library("2.0.0").attribute("Plugin-Requires", ">=9.0.0").writeTo(plugins.resolve("lib.jar"));
        monitor.jarsChanged(Set.of(), Set.of(), Set.of("lib.jar"));

        assertThat(monitor.catalog().plugins()).extracting(p -> p.id() + " " + p.version())
                .containsExactly("lib 1.0.0", "user 1.0.0");
        assertThat(monitor.observerNames()).containsExactly("user");
        assertThat(monitor.reloads(false)).isEqualTo(1);
        emit(1);
        await().until(() -> eventsSeen().equals(List.of(1L)));
        assertThat(Journal.lines()).last().isEqualTo("user #2 event 1");
        assertThat(Journal.lines()).contains("user #2 start lib 1.0.0");
    }

    @Test
    void anOptionalDependencyComingAndGoingReloadsThePluginThatDeclaresIt() throws Exception {
        user("lib?").writeTo(plugins.resolve("user.jar"));
        start();
        assertThat(Journal.lines()).containsExactly("user #1 start no lib");

        library("1.0.0").writeTo(plugins.resolve("lib.jar"));
        monitor.jarsChanged(Set.of(), Set.of("lib.jar"), Set.of());
        assertThat(Journal.lines()).containsExactly("user #1 start no lib", "user #1 stop", "user #2 start lib 1.0.0");

        Files.delete(plugins.resolve("lib.jar"));
        monitor.jarsChanged(Set.of("lib.jar"), Set.of(), Set.of());
        assertThat(Journal.lines()).endsWith("user #2 stop", "user #3 start no lib");
        assertThat(monitor.observerNames()).containsExactly("user");
    }

    @Test
    void aWaitingJarLoadsWhenItsDependencyArrivesAndItsObserverStarts() throws Exception {
        user("lib").writeTo(plugins.resolve("user.jar"));
        Files.writeString(manifest, """
                plugins:
                  dir: ../plugins
                reload: {watch: false}
                observers: []
                """);
        monitor = Monitor.start(manifest);
        Files.writeString(manifest, """
                plugins:
                  dir: ../plugins
                reload: {watch: false}
                observers:
                  - name: user
                    type: user
                """);
        assertThat(monitor.reloadManifest()).isTrue();
        assertThat(monitor.observerNames()).isEmpty();

        library("1.0.0").writeTo(plugins.resolve("lib.jar"));
        monitor.jarsChanged(Set.of(), Set.of("lib.jar"), Set.of());

        assertThat(monitor.observerNames()).containsExactly("user");
        assertThat(Journal.lines()).containsExactly("user #1 start lib 1.0.0");
    }

    @Test
    void aJarAndItsDependencyArrivingTogetherRecordNoFailedJar() throws Exception {
        Files.writeString(manifest, """
                plugins:
                  dir: ../plugins
                reload: {watch: false}
                observers: []
                """);
        monitor = Monitor.start(manifest);
        user("lib").writeTo(plugins.resolve("a-user.jar")); // sorts before lib.jar, as the watcher's TreeSet does
        library("1.0.0").writeTo(plugins.resolve("lib.jar"));
        monitor.jarsChanged(Set.of(), new java.util.TreeSet<>(Set.of("a-user.jar", "lib.jar")), Set.of());

        assertThat(monitor.catalog().plugins()).hasSize(2);
        assertThat(monitor.reloadHistory().lastFailedJar()).isEmpty();
    }
}
