package io.visutility.monitor.host.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelVersion;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventJsonTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final ModelVersion MODEL = new ModelVersion("object_detector", "v1.2.3");

    @Test
    void parsesTheThreeDocumentedLines() throws Exception {
        assertThat(EventJson.parse("{\"type\":\"inference_latency\",\"model\":\"object_detector\",\"version\":\"v1.2.3\","
                + "\"latency_ms\":183,\"ts\":\"2026-11-26T10:00:00Z\"}", NOW))
                .isEqualTo(new InferenceLatency(MODEL, 183, Instant.parse("2026-11-26T10:00:00Z")));
        assertThat(EventJson.parse("{\"type\":\"accuracy_drift\",\"model\":\"object_detector\",\"version\":\"v1.2.3\","
                + "\"drift\":0.17}", NOW))
                .isEqualTo(new AccuracyDrift(MODEL, 0.17, NOW));
        assertThat(EventJson.parse("{\"type\":\"concept_drift\",\"model\":\"object_detector\",\"version\":\"v1.2.3\","
                + "\"p_value\":0.003}", NOW))
                .isEqualTo(new ConceptDrift(MODEL, 0.003, NOW));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON            | {"type":                                                                    | not valid JSON
            not an object       | [1, 2]                                                                      | expected a JSON object
            unknown type        | {"type":"latency","model":"m","version":"v","latency_ms":1}                 | unknown type 'latency'; known: inference_latency, accuracy_drift, concept_drift
            missing model       | {"type":"accuracy_drift","version":"v","drift":0.1}                         | missing field 'model'
            blank version       | {"type":"accuracy_drift","model":"m","version":" ","drift":0.1}             | field 'version' must be a non-blank string
            model a number      | {"type":"accuracy_drift","model":7,"version":"v","drift":0.1}               | field 'model' must be a non-blank string, got 7
            missing metric      | {"type":"concept_drift","model":"m","version":"v"}                          | missing field 'p_value'
            p-value above 1     | {"type":"concept_drift","model":"m","version":"v","p_value":1.7}            | p_value must be in [0, 1], got 1.7
            negative latency    | {"type":"inference_latency","model":"m","version":"v","latency_ms":-5}      | latency_ms must be >= 0, got -5
            fractional latency  | {"type":"inference_latency","model":"m","version":"v","latency_ms":1.5}     | field 'latency_ms' must be a whole number, got 1.5
            drift a string      | {"type":"accuracy_drift","model":"m","version":"v","drift":"high"}          | field 'drift' must be a number, got "high"
            drift overflows     | {"type":"accuracy_drift","model":"m","version":"v","drift":1e999}           | drift must be a finite number, got Infinity
            wrong metric field  | {"type":"accuracy_drift","model":"m","version":"v","p_value":0.1}           | unknown field 'p_value' for accuracy_drift; fields: type, model, version, drift, ts (optional)
            duplicate field     | {"type":"accuracy_drift","model":"m","model":"n","version":"v","drift":0.1} | not valid JSON: Duplicate field 'model'
            NaN drift           | {"type":"accuracy_drift","model":"m","version":"v","drift":NaN}            | not valid JSON: Non-standard token 'NaN'
            long model name     | {"type":"accuracy_drift","model":"%s","version":"v","drift":0.1}           | field 'model' is longer than 256 characters
            two events, one line| {"type":"accuracy_drift","model":"m","version":"v","drift":0.1}{"type":"accuracy_drift","model":"m","version":"v","drift":0.2} | not valid JSON: Trailing token (of type START_OBJECT) found after value
            control character   | {"type":"accuracy_drift","model":"m\\u0000","version":"v","drift":0.1}       | model name must not contain control characters, found U+0000 at index 1
            line separator      | {"type":"accuracy_drift","model":"m","version":"v\\u2028x","drift":0.1}     | model version must not contain control characters, found U+2028 at index 1
            bad timestamp       | {"type":"accuracy_drift","model":"m","version":"v","drift":0.1,"ts":"today"} | field 'ts' must be an ISO-8601 instant such as 2026-11-26T10:00:00Z, got "today"
            lone high surrogate | {"type":"accuracy_drift","model":"a\\ud800","version":"v","drift":0.1}      | field 'model' holds an unpaired UTF-16 surrogate at character 1
            lone low surrogate  | {"type":"accuracy_drift","model":"m","version":"\\udc00v","drift":0.1}     | field 'version' holds an unpaired UTF-16 surrogate at character 0
            reversed pair       | {"type":"accuracy_drift","model":"\\udc00\\ud800","version":"v","drift":0.1} | field 'model' holds an unpaired UTF-16 surrogate at character 0
            """)
    void rejectsWithAReason(String description, String json, String reason) {
        assertThatThrownBy(() -> EventJson.parse(json.formatted("m".repeat(257)), NOW))
                .isInstanceOf(EventFormatException.class)
                .hasMessageStartingWith(reason);
    }

    @Test
    void aSurrogatePairIsOneCharacterAndAccepted() throws EventFormatException {
        assertThat(EventJson.parse("{\"type\":\"accuracy_drift\",\"model\":\"m\\ud83d\\ude00\",\"version\":\"v\","
                + "\"drift\":0.1}", NOW).model().name()).isEqualTo("m\uD83D\uDE00");
    }

    @Test
    void eachRejectionSaysWhichKindOfProblemItIs() {
        assertThatThrownBy(() -> EventJson.parse("{\"type\":", NOW)).isInstanceOfSatisfying(
                EventFormatException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.MALFORMED));
        assertThatThrownBy(() -> EventJson.parse("{\"type\":\"latency\"}", NOW)).isInstanceOfSatisfying(
                EventFormatException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.UNKNOWN_TYPE));
        assertThatThrownBy(() -> EventJson.parse("{\"type\":\"concept_drift\",\"model\":\"m\",\"version\":\"v\","
                + "\"p_value\":2}", NOW)).isInstanceOfSatisfying(
                EventFormatException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.INVALID_FIELD));
    }
}
