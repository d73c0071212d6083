package io.visutility.monitor.host.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.ModelVersion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Parses events in the wire format (one JSON object per event):
 * <pre>
 * {"type":"inference_latency","model":"object_detector","version":"v1.2.3","latency_ms":183,"ts":"2026-11-26T10:00:00Z"}
 * {"type":"accuracy_drift","model":"object_detector","version":"v1.2.3","drift":0.17}
 * {"type":"concept_drift","model":"object_detector","version":"v1.2.3","p_value":0.003}
 * </pre>
 * {@code ts} is optional (ingest time if absent). Fields are checked strictly: an unknown or
 * duplicate field, a wrong JSON type, or an out-of-range value is rejected with a reason.
 *
 * <p>Thread-safe: Jackson's mapper is shared read-only.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // "{event}{event}" on one line is an error, not the first event with the second lost
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /** Reads one value of a parser that goes on after it (an element of an array). */
    private static final ObjectReader ONE_VALUE = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Map<String, String> METRIC_FIELD = Map.of(
            InferenceLatency.TYPE, "latency_ms",
            AccuracyDrift.TYPE, "drift",
            ConceptDrift.TYPE, "p_value");
    private static final List<String> COMMON_FIELDS = List.of("type", "model", "version", "ts");
    /** How much of a rejected value a message shows. */
    private static final int SHOWN_CHARS = 80;

    /** The longest line of JSON lines (replay, NDJSON) read as an event; an event is about 150 bytes. */
    public static final int MAX_LINE_BYTES = 64 * 1024;
    /** The longest {@code model} and {@code version}: they become log fields and metric labels. */
    public static final int MAX_NAME_CHARS = 256;

    private EventJson() {
    }

    /**
     * Parses one event.
     *
     * @param json      one JSON object
     * @param ingestTime the timestamp to use when {@code ts} is absent
     * @throws EventFormatException saying which field is wrong and why
     */
    public static ModelMetricEvent parse(String json, Instant ingestTime) throws EventFormatException {
        return parse(readTree(json), ingestTime);
    }

    /**
     * Parses one event from bytes, such as a Kafka record's value: at most {@link #MAX_LINE_BYTES}
     * of UTF-8, the same limits as a line of a JSON-lines stream.
     *
     * @throws EventFormatException saying why it is not an event (empty, too long, not UTF-8, or a field)
     */
    public static ModelMetricEvent parse(byte[] json, Instant ingestTime) throws EventFormatException {
        if (json == null || json.length == 0) {
            throw new EventFormatException(RejectReason.MALFORMED, "empty record");
        }
        if (json.length > MAX_LINE_BYTES) {
            throw new EventFormatException(RejectReason.TOO_LONG, "record of " + json.length
                    + " bytes is longer than the limit of " + MAX_LINE_BYTES);
        }
        String text;
        try {
            text = BoundedLineReader.strictUtf8().decode(ByteBuffer.wrap(json)).toString();
        } catch (CharacterCodingException e) {
            throw new EventFormatException(RejectReason.NOT_UTF8, "record is not valid UTF-8");
        }
        return parse(text, ingestTime);
    }

    /** The values of a JSON document read one at a time; {@link #next} gives null after the last. */
    public interface Values {
        JsonNode next() throws EventFormatException;
    }

    /**
     * The events of a JSON document that holds one event or an array of them (an HTTP body), one
     * at a time: the document is checked whole first (so a syntax error anywhere rejects all of
     * it, as one document should be), then each element is read into a tree of its own, so that
     * memory holds one element, not the whole array's trees (28 times the body for {@code [{},...]}).
     *
     * @throws EventFormatException if it is not JSON, or empty
     */
    public static Values values(String json) throws EventFormatException {
        try (JsonParser check = MAPPER.createParser(json)) {
            if (check.nextToken() == null) {
                throw new EventFormatException(RejectReason.MALFORMED, "empty body");
            }
            check.skipChildren();
            if (check.nextToken() != null) {
                throw new EventFormatException(RejectReason.MALFORMED, "not valid JSON: Trailing token (of type "
                        + check.currentToken() + ") found after value");
            }
        } catch (JsonProcessingException e) {
            throw new EventFormatException(RejectReason.MALFORMED, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new EventFormatException(RejectReason.MALFORMED, "not valid JSON: " + e.getMessage());
        }
        try {
            JsonParser parser = MAPPER.createParser(json);
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                JsonNode one = ONE_VALUE.readTree(parser);
                boolean[] given = {false};
                return () -> {
                    if (given[0]) {
                        return null;
                    }
                    given[0] = true;
                    return one;
                };
            }
            return () -> {
                try {
                    return parser.nextToken() == JsonToken.END_ARRAY ? null : ONE_VALUE.readTree(parser);
                } catch (IOException e) {
                    throw new EventFormatException(RejectReason.MALFORMED, "not valid JSON: " + e.getMessage());
                }
            };
        } catch (IOException e) {
            throw new EventFormatException(RejectReason.MALFORMED, "not valid JSON: " + e.getMessage());
        }
    }

    /**
     * Parses a JSON document that may hold one event or an array of them (an HTTP body).
     *
     * @throws EventFormatException if it is not JSON at all
     */
    public static JsonNode readTree(String json) throws EventFormatException {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) { // Jackson's answer to no content at all
                throw new EventFormatException(RejectReason.MALFORMED, "empty body");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new EventFormatException(RejectReason.MALFORMED, "not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Parses one event from a JSON tree. */
    public static ModelMetricEvent parse(JsonNode node, Instant ingestTime) throws EventFormatException {
        if (node == null || !node.isObject()) {
            throw new EventFormatException(RejectReason.MALFORMED, "expected a JSON object");
        }
        String type = text(node, "type");
        String metric = METRIC_FIELD.get(type);
        if (metric == null) {
            throw new EventFormatException(RejectReason.UNKNOWN_TYPE, "unknown type '" + type + "'; known: "
                    + String.join(", ", ModelMetricEvent.TYPES));
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!COMMON_FIELDS.contains(name) && !name.equals(metric)) {
                throw new EventFormatException(RejectReason.INVALID_FIELD, "unknown field '" + name + "' for " + type + "; fields: "
                        + String.join(", ", COMMON_FIELDS.subList(0, 3)) + ", " + metric + ", ts (optional)");
            }
        }
        ModelVersion model;
        try {
            model = new ModelVersion(text(node, "model"), text(node, "version"));
        } catch (IllegalArgumentException e) {
            throw new EventFormatException(RejectReason.INVALID_FIELD, e.getMessage());
        }
        Instant ts = timestamp(node, ingestTime);
        JsonNode value = node.get(metric);
        if (value == null || value.isNull()) {
            throw new EventFormatException(RejectReason.INVALID_FIELD, "missing field '" + metric + "'");
        }
        try {
            return switch (type) {
                case InferenceLatency.TYPE -> {
                    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                        throw new EventFormatException(RejectReason.INVALID_FIELD, "field 'latency_ms' must be a whole number, got " + shown(value));
                    }
                    yield new InferenceLatency(model, value.longValue(), ts);
                }
                case AccuracyDrift.TYPE -> new AccuracyDrift(model, number(value, metric), ts);
                default -> new ConceptDrift(model, number(value, metric), ts);
            };
        } catch (IllegalArgumentException e) {
            throw new EventFormatException(RejectReason.INVALID_FIELD, e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) throws EventFormatException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new EventFormatException(RejectReason.INVALID_FIELD, "missing field '" + field + "'");
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw new EventFormatException(RejectReason.INVALID_FIELD, "field '" + field + "' must be a non-blank string, got " + shown(value));
        }
        if (value.textValue().length() > MAX_NAME_CHARS) {
            throw new EventFormatException(RejectReason.INVALID_FIELD, "field '" + field + "' is longer than " + MAX_NAME_CHARS + " characters");
        }
        int lone = loneSurrogate(value.textValue());
        if (lone >= 0) {
            // JSON's \ud800 escapes decode to half a character, which no UTF-8 writer (a sink, a log) can write.
            throw new EventFormatException(RejectReason.INVALID_FIELD, "field '" + field
                    + "' holds an unpaired UTF-16 surrogate at character " + lone);
        }
        return value.textValue();
    }

    /** The index of the first surrogate that is not half of a pair, or -1. */
    private static int loneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static double number(JsonNode value, String field) throws EventFormatException {
        if (!value.isNumber()) {
            throw new EventFormatException(RejectReason.INVALID_FIELD, "field '" + field + "' must be a number, got " + shown(value));
        }
        return value.doubleValue();
    }

    private static Instant timestamp(JsonNode node, Instant ingestTime) throws EventFormatException {
        JsonNode ts = node.get("ts");
        if (ts == null || ts.isNull()) {
            return ingestTime;
        }
        try {
            return Instant.parse(ts.asText());
        } catch (DateTimeParseException e) {
            throw new EventFormatException(RejectReason.INVALID_FIELD, "field 'ts' must be an ISO-8601 instant such as 2026-11-26T10:00:00Z, got "
                    + shown(ts));
        }
    }

    /** A value for a message, cut short: a client's garbage must not flood the log or the answer. */
    private static String shown(JsonNode value) {
        String text = value.toString();
        return text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "... (" + text.length() + " chars)";
    }
}
