package io.visutility.monitor.plugins.webhook;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import java.util.List;

/**
 * Writes events in the wire format of DESIGN.md, with {@code ts}: the same text the jsonl-sink
 * writes per line, so the host's HTTP ingest of another monitor accepts these bodies as they are.
 * Written by hand (RFC 8259 string escaping) because plugins shade what they use and this is all
 * the JSON the plugin needs.
 *
 * <p>Stateless and thread-safe.
 */
final class EventJson {

    private EventJson() {
    }

    /** One event as a JSON object. */
    static String object(ModelMetricEvent event) {
        return append(new StringBuilder(128), event).toString();
    }

    /** The body of one POST: a JSON array of the events, or the single object if {@code asArray} is false. */
    static String body(List<ModelMetricEvent> events, boolean asArray) {
        if (!asArray) {
            if (events.size() != 1) {
                throw new IllegalArgumentException("a single-object body needs exactly one event, got " + events.size());
            }
            return object(events.get(0));
        }
        StringBuilder json = new StringBuilder(2 + 128 * events.size()).append('[');
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            append(json, events.get(i));
        }
        return json.append(']').toString();
    }

    private static StringBuilder append(StringBuilder json, ModelMetricEvent event) {
        json.append("{\"type\":\"").append(event.type()).append("\",\"model\":");
        quote(json, event.model().name()).append(",\"version\":");
        quote(json, event.model().version());
        if (event instanceof InferenceLatency latency) {
            json.append(",\"latency_ms\":").append(latency.latencyMs());
        } else if (event instanceof AccuracyDrift drift) {
            // Finite by construction, so Double.toString is a valid JSON number (e.g. 0.17, 1.0E-4).
            json.append(",\"drift\":").append(drift.drift());
        } else {
            json.append(",\"p_value\":").append(((ConceptDrift) event).pValue());
        }
        return json.append(",\"ts\":\"").append(event.timestamp()).append("\"}");
    }

    /** A JSON string literal (RFC 8259 escaping). */
    private static StringBuilder quote(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
