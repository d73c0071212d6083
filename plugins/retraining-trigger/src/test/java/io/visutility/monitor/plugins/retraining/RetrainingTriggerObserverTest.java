package io.visutility.monitor.plugins.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.ModelVersion;
import java.time.Instant;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrainingTriggerObserverTest {

    private static final ModelVersion DETECTOR = new ModelVersion("object_detector", "v1.2.3");
    private static final ModelVersion SCORER = new ModelVersion("fraud_scorer", "v2.0.1");
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static ConceptDrift concept(ModelVersion model, double p, int minutes) {
        return new ConceptDrift(model, p, T0.plusSeconds(60L * minutes));
    }

    @Test
    void triggersOncePerCooldownInEventTimePerModelVersion() throws Exception {
        TestContext ctx = new TestContext(Map.of("cooldown", "10m"), true);
        RetrainingTriggerObserver trigger = new RetrainingTriggerObserver();
        trigger.start(ctx);

        trigger.onEvent(concept(DETECTOR, 0.5, 0));
        trigger.onEvent(concept(DETECTOR, 0.01, 1));   // trigger
        trigger.onEvent(concept(SCORER, 0.9, 1));
        trigger.onEvent(concept(DETECTOR, 0.01, 5));   // within cooldown
        trigger.onEvent(concept(SCORER, 0.02, 6));     // other model: its own cooldown
        trigger.onEvent(concept(DETECTOR, 0.01, 10));  // 9 minutes after: still within
        trigger.onEvent(concept(DETECTOR, 0.01, 11));  // 10 minutes after: trigger again

        assertThat(ctx.lines).containsExactly(
                "retraining triggered model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:01:00Z reason=\"p=0.01\"",
                "retraining triggered model=fraud_scorer version=v2.0.1 strategy=counting at=2026-11-26T10:06:00Z reason=\"p=0.02\"",
                "retraining triggered model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:11:00Z reason=\"p=0.01\"");
        // one validation instance at start, then one per model version; reset after each trigger
        assertThat(ctx.strategies).hasSize(3);
        assertThat(ctx.strategies.get(1).resets).isEqualTo(2);
        assertThat(ctx.strategies.get(2).resets).isEqualTo(1);
    }

    @Test
    void aModelNameThatLooksLikeFieldsIsQuotedInTheTriggerLine() throws Exception {
        TestContext ctx = new TestContext(Map.of("cooldown", "10m"), true);
        RetrainingTriggerObserver trigger = new RetrainingTriggerObserver();
        trigger.start(ctx);

        trigger.onEvent(concept(new ModelVersion("x drift=0.00", "v1\u202e2"), 0.01, 1));

        assertThat(ctx.lines).containsExactly("retraining triggered model=\"x drift=0.00\" version=\"v1\\u202e2\" "
                + "strategy=counting at=2026-11-26T10:01:00Z reason=\"p=0.01\"");
    }

    @Test
    void everyVerdictIsReportedToTheHostWithWhetherItTriggered() throws Exception {
        TestContext ctx = new TestContext(Map.of("cooldown", "10m"), true);
        RetrainingTriggerObserver trigger = new RetrainingTriggerObserver();
        trigger.start(ctx);

        trigger.onEvent(concept(DETECTOR, 0.5, 0));
        trigger.onEvent(concept(DETECTOR, 0.08, 1));
        trigger.onEvent(concept(DETECTOR, 0.01, 2));   // trigger
        trigger.onEvent(concept(DETECTOR, 0.01, 3));   // drift within cooldown: reported, not triggered

        assertThat(ctx.verdicts).containsExactly(
                "object_detector@v1.2.3 2026-11-26T10:00:00Z STABLE",
                "object_detector@v1.2.3 2026-11-26T10:01:00Z WARNING",
                "object_detector@v1.2.3 2026-11-26T10:02:00Z DRIFT triggered",
                "object_detector@v1.2.3 2026-11-26T10:03:00Z DRIFT");
    }

    @Test
    void aModelVersionInDriftIsReportedAgainWhenItsStateIsRestored(@TempDir Path dir) throws Exception {
        Map<String, Object> config = Map.of("state_dir", dir.toString());
        TestContext first = new TestContext(config, true);
        RetrainingTriggerObserver before = new RetrainingTriggerObserver();
        before.start(first);
        before.onEvent(concept(DETECTOR, 0.01, 2));
        before.onEvent(concept(SCORER, 0.5, 2));
        before.stop();

        TestContext second = new TestContext(config, true);
        RetrainingTriggerObserver after = new RetrainingTriggerObserver();
        after.start(second);
        after.onEvent(concept(SCORER, 0.5, 3));

        assertThat(second.verdicts).containsExactly(
                "object_detector@v1.2.3 2026-11-26T10:02:00Z DRIFT",
                "fraud_scorer@v2.0.1 2026-11-26T10:03:00Z STABLE");
    }

    @Test
    void modelVersionsPastMaxModelsAreCountedNotEvaluated() throws Exception {
        TestContext ctx = new TestContext(Map.of("max_models", 2), true);
        RetrainingTriggerObserver trigger = new RetrainingTriggerObserver();
        trigger.start(ctx);

        trigger.onEvent(concept(DETECTOR, 0.5, 0));
        trigger.onEvent(concept(SCORER, 0.5, 0));
        for (int i = 0; i < 5; i++) { // a client inventing model names
            trigger.onEvent(concept(new ModelVersion("made-up-" + i, "v1"), 0.01, 1));
        }
        trigger.onEvent(concept(DETECTOR, 0.01, 2)); // a tracked version is still evaluated

        assertThat(ctx.lines).containsExactly(
                "WARN max_models 2 reached: events of model=made-up-0 version=v1 and other new model versions are not evaluated",
                "retraining triggered model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:02:00Z reason=\"p=0.01\"");
        assertThat(ctx.metrics.value("model_retraining_untracked_events", ctx.name())).isEqualTo(5);
        assertThat(ctx.strategies).hasSize(3); // the validation instance and one per tracked version
    }

    @Test
    void aWarningIsLoggedOncePerEpisode() throws Exception {
        TestContext ctx = new TestContext(Map.of(), true);
        RetrainingTriggerObserver trigger = new RetrainingTriggerObserver();
        trigger.start(ctx);

        trigger.onEvent(concept(DETECTOR, 0.08, 0));
        trigger.onEvent(concept(DETECTOR, 0.07, 1));
        trigger.onEvent(concept(DETECTOR, 0.09, 2));
        trigger.onEvent(concept(DETECTOR, 0.5, 3));
        trigger.onEvent(concept(DETECTOR, 0.06, 4));

        assertThat(ctx.lines).containsExactly(
                "drift warning model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:00:00Z reason=\"p=0.08\"",
                "drift warning model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:04:00Z reason=\"p=0.06\"");
    }

    @Test
    void stateSurvivesARestartThroughTheStateDir(@TempDir Path dir) throws Exception {
        TestContext first = new TestContext(Map.of("state_dir", dir.toString()), true);
        RetrainingTriggerObserver before = new RetrainingTriggerObserver();
        before.start(first);
        before.onEvent(concept(DETECTOR, 0.5, 0));
        before.onEvent(concept(DETECTOR, 0.01, 1)); // trigger at 10:01
        before.onEvent(concept(SCORER, 0.5, 2));
        before.stop();
        Path file = dir.resolve("retrain.json");
        assertThat(Files.readString(file)).contains("\"format\" : 1", "\"strategy\" : \"counting\"",
                "\"last_trigger\" : \"2026-11-26T10:01:00Z\"");

        TestContext second = new TestContext(Map.of("state_dir", dir.toString()), true);
        RetrainingTriggerObserver after = new RetrainingTriggerObserver();
        after.start(second);
        after.onEvent(concept(DETECTOR, 0.01, 5)); // within the restored cooldown: no trigger
        after.onEvent(concept(DETECTOR, 0.01, 12)); // after it: trigger

        assertThat(second.lines).contains("restored the state of 2 model versions from " + file);
        assertThat(second.lines).filteredOn(line -> line.startsWith("retraining triggered")).containsExactly(
                "retraining triggered model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:12:00Z reason=\"p=0.01\"");
        // the detector's own count went on from where it stopped: 2 evaluations, then 2 more
        // (instances: 0 checks the configuration at start; 1 and 2 restored in model name order)
        assertThat(second.strategies.get(2).evaluated).isEqualTo(4);
    }

    @Test
    void aHotSwapHandsTheStateOverThroughTheStateDir(@TempDir Path dir) throws Exception {
        // The host's swap on a config edit: the new instance starts, the old one stops, then events reach the new one.
        TestContext oldContext = new TestContext(Map.of("state_dir", dir.toString(), "cooldown", "10m"), true);
        RetrainingTriggerObserver old = new RetrainingTriggerObserver();
        old.start(oldContext);
        old.onEvent(concept(DETECTOR, 0.01, 1)); // trigger at 10:01

        TestContext newContext = new TestContext(Map.of("state_dir", dir.toString(), "cooldown", "20m"), true);
        RetrainingTriggerObserver replacement = new RetrainingTriggerObserver();
        replacement.start(newContext);
        old.stop();
        replacement.onEvent(concept(DETECTOR, 0.01, 15)); // within the new 20 minute cooldown of 10:01
        replacement.onEvent(concept(DETECTOR, 0.01, 22));

        assertThat(newContext.lines).filteredOn(line -> line.startsWith("retraining triggered")).containsExactly(
                "retraining triggered model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:22:00Z reason=\"p=0.01\"");
    }

    @Test
    void aCorruptOrForeignStateFileIsReportedAndIgnored(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("retrain.json");
        Files.writeString(file, "{not json");
        TestContext corrupt = new TestContext(Map.of("state_dir", dir.toString()), true);
        RetrainingTriggerObserver first = new RetrainingTriggerObserver();
        first.start(corrupt);
        first.onEvent(concept(DETECTOR, 0.5, 0)); // the state is read at the first event
        assertThat(corrupt.lines).anyMatch(line -> line.startsWith("WARN state file " + file + " ignored: not valid JSON"));

        Files.writeString(file, "null"); // valid JSON, but no state: reported once, the events still evaluated
        TestContext empty = new TestContext(Map.of("state_dir", dir.toString()), true);
        RetrainingTriggerObserver third = new RetrainingTriggerObserver();
        third.start(empty);
        third.onEvent(concept(DETECTOR, 0.01, 0));
        third.onEvent(concept(DETECTOR, 0.01, 20));
        assertThat(empty.lines).filteredOn(line -> line.startsWith("WARN state file " + file + " ignored"))
                .containsExactly("WARN state file " + file + " ignored: holds null, not a state object");
        assertThat(empty.lines).filteredOn(line -> line.startsWith("retraining triggered")).hasSize(2);

        Files.writeString(file, "{\"format\":7,\"strategy\":\"counting\",\"models\":[]}");
        TestContext future = new TestContext(Map.of("state_dir", dir.toString()), true);
        RetrainingTriggerObserver second = new RetrainingTriggerObserver();
        second.start(future);
        second.stop(); // or at stop, when no event came
        assertThat(future.lines).contains("WARN state file " + file + " ignored: format 7 is not the supported format 1");

        Files.writeString(file, "{\"format\":1,\"observer\":\"retrain\",\"strategy\":\"adwin\",\"models\":[]}");
        TestContext foreign = new TestContext(Map.of("state_dir", dir.toString()), true);
        RetrainingTriggerObserver trigger = new RetrainingTriggerObserver();
        trigger.start(foreign);
        trigger.onEvent(concept(DETECTOR, 0.01, 0));
        assertThat(foreign.lines).contains("WARN state file " + file
                + " ignored: written for strategy adwin, this observer uses counting");
        assertThat(foreign.lines).anyMatch(line -> line.startsWith("retraining triggered"));
    }

    @Test
    void defaultCooldownIsTenMinutes() throws Exception {
        TestContext ctx = new TestContext(Map.of(), true);
        RetrainingTriggerObserver trigger = new RetrainingTriggerObserver();
        trigger.start(ctx);

        trigger.onEvent(concept(DETECTOR, 0.01, 0));
        trigger.onEvent(concept(DETECTOR, 0.01, 9));
        trigger.onEvent(concept(DETECTOR, 0.01, 10));

        assertThat(ctx.lines).hasSize(2);
    }

    @Test
    void failsAtStartWithoutAStrategyOrWithABadCooldown() {
        assertThatThrownBy(() -> new RetrainingTriggerObserver().start(new TestContext(Map.of(), false)))
                .hasMessageContaining("needs a drift strategy");
        assertThatThrownBy(() -> new RetrainingTriggerObserver().start(new TestContext(Map.of("cooldown", "soon"), true)))
                .hasMessageContaining("key 'cooldown': expected a duration");
    }
}
