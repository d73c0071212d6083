package io.visutility.monitor.api;

/**
 * Writes events in the host's wire format, the JSON that {@code monitor run --replay} and
 * {@code POST /v1/events} read, with {@code ts}:
 * {@code {"type":"concept_drift","model":"fraud","version":"v2","p_value":0.003,"ts":"2026-11-26T10:00:00Z"}}.
 * For sink plugins, so that what they write can be read back as it is.
 *
 * <p>Stateless and thread-safe.
 */
public final class WireFormat {

    private WireFormat() {
    }

    /** {@code event} as one JSON object, without a line break. */
    public static String toJson(ModelMetricEvent event) {
        return appendJson(new StringBuilder(128), event).toString();
    }

    /** Appends {@code event} as one JSON object to {@code json}; returns {@code json}. */
    public static StringBuilder appendJson(StringBuilder json, ModelMetricEvent event) {
        json.append("{\"type\":\"").append(event.type()).append("\",\"model\":");
        appendString(json, event.model().name()).append(",\"version\":");
        appendString(json, event.model().version());
        if (event instanceof InferenceLatency latency) {
            json.append(",\"latency_ms\":").append(latency.latencyMs());
        } else if (event instanceof AccuracyDrift drift) {
            // Finite by construction, so Double.toString is a valid JSON number (0.17, 1.0E-4).
            json.append(",\"drift\":").append(drift.drift());
        } else {
            json.append(",\"p_value\":").append(((ConceptDrift) event).pValue());
        }
        return json.append(",\"ts\":\"").append(event.timestamp()).append("\"}");
    }

    /** Appends {@code text} as a JSON string literal (RFC 8259 escaping); returns {@code json}. */
    public static StringBuilder appendString(StringBuilder json, String text) {
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
