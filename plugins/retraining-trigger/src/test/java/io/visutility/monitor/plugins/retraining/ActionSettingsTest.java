package io.visutility.monitor.plugins.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.ModelVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code action} setting: validation, the keys each action reads, and the default {@code log}. */
class ActionSettingsTest {

    private static final ModelVersion DETECTOR = new ModelVersion("object_detector", "v1.2.3");
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static void start(Map<String, ?> config) {
        RetrainingTriggerObserver observer = new RetrainingTriggerObserver();
        observer.start(new TestContext(config, true));
        observer.stop();
    }

    @Test
    void anUnknownActionNamesTheKeyAndTheValidChoices() {
        assertThatThrownBy(() -> start(Map.of("action", "email")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key 'action': unknown action 'email'; valid: log, webhook, exec");
    }

    @Test
    void aMissingRequiredKeyIsNamed() {
        assertThatThrownBy(() -> start(Map.of("action", "webhook")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key 'url': is required for action webhook");
        assertThatThrownBy(() -> start(Map.of("action", "exec")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key 'command': is required for action exec");
        assertThatThrownBy(() -> start(Map.of("action", "exec", "command", List.of())))
                .hasMessageContaining("key 'command': is required for action exec");
        assertThatThrownBy(() -> start(Map.of("action", "exec", "command", "./retrain.sh")))
                .hasMessageContaining("key 'command': expected a list");
    }

    @Test
    void aKeyOfAnotherActionIsRejected() {
        assertThatThrownBy(() -> start(Map.of("action", "webhook", "url", "http://127.0.0.1:9/hook",
                "command", List.of("./retrain.sh"))))
                .hasMessageContaining("key 'command': applies only to action exec, not to action webhook");
        assertThatThrownBy(() -> start(Map.of("action", "exec", "command", List.of("./retrain.sh"),
                "url", "http://127.0.0.1:9/hook")))
                .hasMessageContaining("key 'url': applies only to action webhook, not to action exec");
        assertThatThrownBy(() -> start(Map.of("timeout", "5s")))
                .hasMessageContaining("key 'timeout': applies only to action webhook or exec, not to action log");
    }

    @Test
    void badValuesAreNamedWithTheirKey() {
        assertThatThrownBy(() -> start(Map.of("action", "webhook", "url", "ftp://example.org/x")))
                .hasMessageContaining("key 'url': expected an http:// or https:// URL, got 'ftp://example.org/x'");
        assertThatThrownBy(() -> start(Map.of("action", "webhook", "url", "http://127.0.0.1:9/hook",
                "headers", List.of("Authorization Bearer x"))))
                .hasMessageContaining("key 'headers': expected 'Name: value', got 'Authorization Bearer x'");
        assertThatThrownBy(() -> start(Map.of("action", "webhook", "url", "http://127.0.0.1:9/hook",
                "headers", List.of("Host: example.org"))))
                .hasMessageContaining("key 'headers': restricted header name");
        assertThatThrownBy(() -> start(Map.of("action", "webhook", "url", "http://127.0.0.1:9/hook",
                "headers", List.of("Content-Type: text/plain"))))
                .hasMessageContaining("key 'headers': Content-Type is always application/json");
        assertThatThrownBy(() -> start(Map.of("action", "webhook", "url", "http://127.0.0.1:9/hook",
                "timeout", "0s")))
                .hasMessageContaining("key 'timeout': must be more than 0");
        assertThatThrownBy(() -> start(Map.of("action", "exec", "command", List.of("./retrain.sh", "{modle}"))))
                .hasMessageContaining("key 'command': unknown placeholder {modle} in '{modle}'; known: {model} "
                        + "{version} {strategy} {at} {reason} {score}");
    }

    @Test
    void onlyTheKeysOfTheChosenActionAreRead() {
        TestContext webhook = new TestContext(Map.of("action", "webhook", "url", "http://127.0.0.1:9/hook"), true);
        RetrainingTriggerObserver first = new RetrainingTriggerObserver();
        first.start(webhook);
        first.stop();
        assertThat(webhook.settings.requestedKeys()).contains("action", "url", "headers", "timeout")
                .doesNotContain("command");

        TestContext exec = new TestContext(Map.of("action", "exec", "command", List.of("./retrain.sh")), true);
        RetrainingTriggerObserver second = new RetrainingTriggerObserver();
        second.start(exec);
        second.stop();
        assertThat(exec.settings.requestedKeys()).contains("action", "command", "timeout")
                .doesNotContain("url", "headers");

        TestContext log = new TestContext(Map.of(), true);
        RetrainingTriggerObserver third = new RetrainingTriggerObserver();
        third.start(log);
        third.stop();
        assertThat(log.settings.requestedKeys()).contains("action").doesNotContain("url", "headers", "command", "timeout");
    }

    @Test
    void theDefaultActionOnlyLogsAndCountsTheTrigger() throws Exception {
        TestContext ctx = new TestContext(Map.of(), true);
        RetrainingTriggerObserver observer = new RetrainingTriggerObserver();
        observer.start(ctx);
        observer.onEvent(new ConceptDrift(DETECTOR, 0.01, T0));
        observer.onEvent(new ConceptDrift(DETECTOR, 0.01, T0.plusSeconds(660)));
        observer.stop();

        assertThat(ctx.lines).containsExactly(
                "retraining triggered model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:00:00Z reason=\"p=0.01\"",
                "retraining triggered model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:11:00Z reason=\"p=0.01\"");
        assertThat(ctx.metrics.series("model_retraining_triggers"))
                .containsExactly(Map.entry(List.of("retrain", "object_detector", "v1.2.3", "counting"), 2.0));
        assertThat(ctx.metrics.series("model_retraining_actions")).isEmpty();
    }
}
