package io.visutility.monitor.plugins.jsonl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.ObserverContext;
import io.visutility.monitor.api.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class JsonlSinkObserverTest {

    private static final ModelVersion MODEL = new ModelVersion("object_detector", "v1.2.3");
    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

    @TempDir
    Path dir;

    private static ObserverContext context(Map<String, ?> config) {
        Settings settings = Settings.of(config);
        return new ObserverContext() {
            @Override
            public String name() {
                return "archive";
            }

            @Override
            public Settings settings() {
                return settings;
            }

            @Override
            public DriftStrategy newStrategy() {
                throw new IllegalStateException("no strategy");
            }

            @Override
            public Logger logger() {
                return LoggerFactory.getLogger("observer.archive");
            }
        };
    }

    @Test
    void writesTheWireFormatAndContinuesAnExistingFile() throws Exception {
        Path file = dir.resolve("sub/events.jsonl");
        JsonlSinkObserver first = new JsonlSinkObserver();
        first.start(context(Map.of("path", file.toString())));
        first.onEvent(new InferenceLatency(MODEL, 183, T));
        first.onEvent(new AccuracyDrift(new ModelVersion("we\"ird", "v\\1"), 0.17, T));
        first.stop();
        JsonlSinkObserver second = new JsonlSinkObserver();
        second.start(context(Map.of("path", file.toString())));
        second.onEvent(new ConceptDrift(MODEL, 0.003, T));
        second.stop();

        assertThat(Files.readAllLines(file)).containsExactly(
                "{\"type\":\"inference_latency\",\"model\":\"object_detector\",\"version\":\"v1.2.3\",\"latency_ms\":183,\"ts\":\"2026-11-26T10:00:00Z\"}",
                "{\"type\":\"accuracy_drift\",\"model\":\"we\\\"ird\",\"version\":\"v\\\\1\",\"drift\":0.17,\"ts\":\"2026-11-26T10:00:00Z\"}",
                "{\"type\":\"concept_drift\",\"model\":\"object_detector\",\"version\":\"v1.2.3\",\"p_value\":0.003,\"ts\":\"2026-11-26T10:00:00Z\"}");
    }

    @Test
    void anEventThatIsNotValidUnicodeFailsAloneAndLeavesNothingOfItselfInTheFile() throws Exception {
        Path file = dir.resolve("events.jsonl");
        JsonlSinkObserver sink = new JsonlSinkObserver();
        sink.start(context(Map.of("path", file.toString())));
        sink.onEvent(new InferenceLatency(MODEL, 1, T));

        assertThatThrownBy(() -> sink.onEvent(new InferenceLatency(new ModelVersion("a\ud800", "v1"), 2, T)))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageStartingWith("event not written: it is not valid UTF-16 (an unpaired surrogate in a");
        sink.onEvent(new InferenceLatency(MODEL, 3, T));
        sink.stop();

        assertThat(Files.readAllLines(file)).extracting(line -> line.replaceAll(".*\"latency_ms\":(\\d+).*", "$1"))
                .containsExactly("1", "3");
    }

    @Test
    void rotatesBySizeAndKeepsAtMostKeepFiles() throws Exception {
        Path file = dir.resolve("events.jsonl");
        int lineBytes = JsonlSinkObserver.line(new InferenceLatency(MODEL, 100, T)).length();
        JsonlSinkObserver sink = new JsonlSinkObserver();
        sink.start(context(Map.of("path", file.toString(), "max_bytes", 3 * lineBytes, "keep", 2)));
        for (int i = 0; i < 10; i++) {
            sink.onEvent(new InferenceLatency(MODEL, 100 + i % 10, T));
        }
        sink.stop();

        assertThat(Files.readAllLines(file)).hasSize(1); // events 9
        assertThat(Files.readAllLines(dir.resolve("events.jsonl.1"))).hasSize(3); // events 6-8
        assertThat(Files.readAllLines(dir.resolve("events.jsonl.2"))).hasSize(3); // events 3-5
        assertThat(dir.resolve("events.jsonl.3")).doesNotExist(); // events 0-2 rotated away
        assertThat(Files.readString(dir.resolve("events.jsonl.1"))).contains("\"latency_ms\":106", "\"latency_ms\":108");
        assertThat(Files.size(dir.resolve("events.jsonl.1"))).isLessThanOrEqualTo(3L * lineBytes);
    }

    @Test
    void badSettingsFailAtStart() {
        assertThatThrownBy(() -> new JsonlSinkObserver().start(context(Map.of())))
                .hasMessage("settings: key 'path': is required");
        assertThatThrownBy(() -> new JsonlSinkObserver().start(context(Map.of("path", "x", "keep", 0))))
                .hasMessage("settings: key 'keep': must be from 1 to 1000, got 0");
    }
}
