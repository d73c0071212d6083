package io.visutility.monitor.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void writesEachEventKindInTheWireFormatWithItsTimestamp() {
        ModelVersion model = new ModelVersion("object_detector", "v1.2.3");

        assertThat(WireFormat.toJson(new InferenceLatency(model, 183, T))).isEqualTo(
                "{\"type\":\"inference_latency\",\"model\":\"object_detector\",\"version\":\"v1.2.3\","
                        + "\"latency_ms\":183,\"ts\":\"2026-11-26T10:00:00Z\"}");
        assertThat(WireFormat.toJson(new AccuracyDrift(model, 1e-4, T))).contains("\"drift\":1.0E-4");
        assertThat(WireFormat.toJson(new ConceptDrift(model, 0.003, T))).contains("\"p_value\":0.003");
    }

    @Test
    void escapesNamesAsJsonStrings() {
        ModelVersion model = new ModelVersion("a\"b\\c", "v1");

        assertThat(WireFormat.toJson(new ConceptDrift(model, 0.5, T))).contains("\"model\":\"a\\\"b\\\\c\"");
        assertThat(WireFormat.appendString(new StringBuilder(), "x\ny\u0001\tz"))
                .hasToString("\"x\\ny\\u0001\\tz\"");
    }
}
