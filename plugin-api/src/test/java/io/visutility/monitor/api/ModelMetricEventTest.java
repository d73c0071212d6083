package io.visutility.monitor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ModelMetricEventTest {

    private static final ModelVersion MODEL = new ModelVersion("object_detector", "v1.2.3");
    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void constructorsNameTheBadField() {
        assertThatThrownBy(() -> new ModelVersion(" ", "v1")).hasMessage("model name must not be blank");
        assertThatThrownBy(() -> new ModelVersion("m", null)).hasMessage("model version must not be blank");
        // they end up in log lines: a line break would let an event forge one
        assertThatThrownBy(() -> new ModelVersion("evil\n00:00 ERROR forged", "v1"))
                .hasMessage("model name must not contain control characters, found U+000A at index 4");
        assertThatThrownBy(() -> new ModelVersion("m", "v\u0085"))
                .hasMessage("model version must not contain control characters, found U+0085 at index 1");
        assertThatThrownBy(() -> new InferenceLatency(MODEL, -1, T)).hasMessage("latency_ms must be >= 0, got -1");
        assertThatThrownBy(() -> new AccuracyDrift(MODEL, Double.NaN, T))
                .hasMessage("drift must be a finite number, got NaN");
        assertThatThrownBy(() -> new ConceptDrift(MODEL, 1.5, T)).hasMessage("p_value must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> new ConceptDrift(MODEL, Double.NaN, T)).hasMessageContaining("p_value");
        assertThatThrownBy(() -> new ConceptDrift(MODEL, 0.5, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timestamp must not be null");
        assertThatThrownBy(() -> new InferenceLatency(null, 5, T)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model must not be null");
    }

    @Test
    void typesAreTheWireNames() {
        assertThat(new InferenceLatency(MODEL, 0, T).type()).isEqualTo("inference_latency");
        assertThat(new AccuracyDrift(MODEL, 0.1, T).type()).isEqualTo("accuracy_drift");
        assertThat(new ConceptDrift(MODEL, 0, T).type()).isEqualTo("concept_drift");
        assertThat(ModelMetricEvent.TYPES).containsExactly("inference_latency", "accuracy_drift", "concept_drift");
        assertThat(MODEL).hasToString("object_detector@v1.2.3");
    }
}
