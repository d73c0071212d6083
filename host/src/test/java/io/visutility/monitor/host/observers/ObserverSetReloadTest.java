package io.visutility.monitor.host.observers;

import static io.visutility.monitor.host.testing.PluginJar.plugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.host.bus.DispatchMode;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.manifest.Manifest;
import io.visutility.monitor.host.manifest.ManifestException;
import io.visutility.monitor.host.manifest.ManifestLoader;
import io.visutility.monitor.host.plugins.ExtensionCatalog;
import io.visutility.monitor.host.plugins.PluginHost;
import io.visutility.monitor.host.telemetry.PluginMetrics;
import io.visutility.monitor.host.testing.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest diff a reload applies ({@link ObserverSet#apply}): observers of a real plugin jar on
 * a real bus, each recording in the {@link Journal} what it was asked to do.
 */
class ObserverSetReloadTest {

    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

    @TempDir
    Path dir;

    private final PluginHost plugins = new PluginHost("0.1.0");
    private final EventBus bus = new EventBus();
    private ExtensionCatalog catalog;
    private ObserverSet observers;

    @BeforeEach
    void loadThePlugin() throws Exception {
        Journal.clear();
        plugin("recorders").observer("recorder").writeTo(dir.resolve("recorders.jar"));
        catalog = plugins.loadFolder(dir);
    }

    @AfterEach
    void close() {
        if (observers != null) {
            observers.close();
        }
        plugins.close();
    }

    private Manifest manifest(String yaml) throws ManifestException {
        return new ManifestLoader().parse(yaml, dir.resolve("monitor.yaml"));
    }

    private void start(String yaml) throws ManifestException {
        observers = ObserverSet.start(manifest(yaml), catalog, bus, new PluginMetrics(new PrometheusRegistry()),
                () -> catalog);
    }

    private void emitConceptDrift(String model) {
        bus.emit(new ConceptDrift(new ModelVersion(model, "v1"), 0.01, T));
    }

    @Test
    void addsRemovesAndRestartsWhatChangedAndLeavesTheRestRunning() throws Exception {
        start("""
                observers:
                  - name: same
                    type: recorder
                  - name: relabelled
                    type: recorder
                    config: {label: one}
                  - name: gone
                    type: recorder
                  - name: switched-off
                    type: recorder
                """);
        String changes = observers.apply(manifest("""
                observers:
                  - name: added
                    type: recorder
                  # unchanged, though it moved down the file
                  - name: same
                    type: recorder
                  - name: relabelled
                    type: recorder
                    config: {label: two}
                  - name: switched-off
                    type: recorder
                    enabled: false
                """), catalog);
        emitConceptDrift("after");

        assertThat(changes).isEqualTo(
                "removed gone, removed switched-off, added added, restarted relabelled (0 events buffered)");
        assertThat(observers.names()).containsExactly("added", "same", "relabelled");
        await().atMost(Duration.ofSeconds(30)).until(() -> Journal.lines().stream()
                .filter(line -> line.endsWith(" concept_drift after")).count() == 3);
        assertThat(Journal.linesOf("same")).containsExactly(
                "same #1 start 1.0.0 label=", "same #1 concept_drift after");
        // The new instance starts before the old one stops; the old one's last event comes first.
        assertThat(Journal.linesOf("relabelled")).containsExactly(
                "relabelled #2 start 1.0.0 label=one", "relabelled #6 start 1.0.0 label=two",
                "relabelled #2 stop", "relabelled #6 concept_drift after");
        assertThat(Journal.linesOf("gone")).containsExactly("gone #3 start 1.0.0 label=", "gone #3 stop");
        assertThat(Journal.linesOf("switched-off")).containsExactly(
                "switched-off #4 start 1.0.0 label=", "switched-off #4 stop");
        assertThat(Journal.linesOf("added")).containsExactly(
                "added #5 start 1.0.0 label=", "added #5 concept_drift after");
    }

    @Test
    void aConfigChangeKeepsTheLaneAFilterChangeFiltersAnewADispatchChangeSwitchesTheMode() throws Exception {
        start("""
                observers:
                  - name: config
                    type: recorder
                    events: [concept_drift]
                    dispatch: {mode: sync}
                  - name: filters
                    type: recorder
                    events: [concept_drift]
                    dispatch: {mode: sync}
                  - name: dispatch
                    type: recorder
                    events: [concept_drift]
                    dispatch: {mode: sync}
                """);
        emitConceptDrift("before");

        String changes = observers.apply(manifest("""
                observers:
                  - name: config
                    type: recorder
                    events: [concept_drift]
                    dispatch: {mode: sync}
                    config: {label: new}
                  - name: filters
                    type: recorder
                    events: [accuracy_drift]
                    dispatch: {mode: sync}
                  - name: dispatch
                    type: recorder
                    events: [concept_drift]
                    dispatch: {mode: async}
                """), catalog);
        emitConceptDrift("after");
        bus.emit(new AccuracyDrift(new ModelVersion("after", "v1"), 0.2, T));

        assertThat(changes).isEqualTo("restarted config (0 events buffered), restarted filters (0 events buffered), "
                + "restarted dispatch (0 events buffered)");
        // Same filters and dispatch: the same lane, whose counters go on.
        assertThat(Journal.linesOf("config")).containsExactly("config #1 start 1.0.0 label=",
                "config #1 concept_drift before", "config #4 start 1.0.0 label=new", "config #1 stop",
                "config #4 concept_drift after");
        assertThat(observers.stats().get("config").received()).isEqualTo(2);
        assertThat(Journal.linesOf("filters")).containsExactly("filters #2 start 1.0.0 label=",
                "filters #2 concept_drift before", "filters #5 start 1.0.0 label=", "filters #2 stop",
                "filters #5 accuracy_drift after");
        assertThat(observers.stats().get("dispatch").mode()).isEqualTo(DispatchMode.ASYNC);
        await().atMost(Duration.ofSeconds(30)).until(() -> Journal.linesOf("dispatch").size() == 5);
        assertThat(Journal.linesOf("dispatch")).containsExactly("dispatch #3 start 1.0.0 label=",
                "dispatch #3 concept_drift before", "dispatch #6 start 1.0.0 label=", "dispatch #3 stop",
                "dispatch #6 concept_drift after");
    }

    @Test
    void aChangeThatCannotRunChangesNothing() throws Exception {
        start("""
                observers:
                  - name: steady
                    type: recorder
                    dispatch: {mode: sync}
                """);

        assertThatThrownBy(() -> observers.apply(manifest("""
                observers:
                  - name: added
                    type: recorder
                  - name: steady
                    type: recorder
                    dispatch: {mode: sync}
                    config: {fail: true}
                """), catalog)).isInstanceOf(ManifestException.class)
                .hasMessage(dir.resolve("monitor.yaml") + ":4: observer 'steady': type recorder failed to start: "
                        + "java.lang.IllegalStateException: asked to fail");
        emitConceptDrift("after");

        assertThat(observers.names()).containsExactly("steady");
        assertThat(Journal.linesOf("steady")).containsExactly(
                "steady #1 start 1.0.0 label=", "steady #1 concept_drift after");
        assertThat(Journal.linesOf("added")).containsExactly("added #2 start 1.0.0 label=", "added #2 stop");
    }

    @Test
    void aNewEntryWhoseTypeNoPluginProvidesWaitsForItAndStartsInItsPlaceWhenItComes() throws Exception {
        start("""
                observers:
                  - name: steady
                    type: recorder
                """);

        String changes = observers.apply(manifest("""
                observers:
                  - name: later
                    type: not-yet
                  - name: steady
                    type: recorder
                """), catalog);

        assertThat(changes).isEmpty();
        assertThat(observers.names()).containsExactly("steady");
        assertThat(observers.waiting()).isEqualTo(Map.of("later", "not-yet"));

        plugins.load(plugin("late").observer("not-yet").writeTo(dir.resolve("late.jar")));
        List<String> started = observers.startWaiting(plugins.catalog());

        assertThat(started).containsExactly("later");
        assertThat(observers.names()).containsExactly("later", "steady");
        assertThat(observers.waiting()).isEmpty();
        assertThat(Journal.linesOf("steady")).containsExactly("steady #1 start 1.0.0 label=");
        assertThat(Journal.linesOf("later")).containsExactly("later #2 start 1.0.0 label=");
    }
}
