package io.visutility.monitor.testkit;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.host.ingest.EventFormatException;
import io.visutility.monitor.host.ingest.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Events for plugin tests: made in code, or read from JSON lines with the host's own parser (the
 * wire format of {@code monitor run --replay} and {@code POST /v1/events}). Stateless and thread-safe.
 */
public final class TestEvents {

    /** The timestamp of events made here, and of lines without {@code ts}. */
    public static final Instant TIME = Instant.parse("2026-01-01T00:00:00Z");

    private TestEvents() {
    }

    /** An {@code inference_latency} event of {@code model} version {@code version}. */
    public static InferenceLatency latency(String model, String version, long latencyMs) {
        return new InferenceLatency(new ModelVersion(model, version), latencyMs, TIME);
    }

    /** An {@code accuracy_drift} event. */
    public static AccuracyDrift accuracyDrift(String model, String version, double drift) {
        return new AccuracyDrift(new ModelVersion(model, version), drift, TIME);
    }

    /** A {@code concept_drift} event. */
    public static ConceptDrift conceptDrift(String model, String version, double pValue) {
        return new ConceptDrift(new ModelVersion(model, version), pValue, TIME);
    }

    /**
     * The events of JSON-lines text, one per non-blank line.
     *
     * @throws IllegalArgumentException naming the line and what is wrong with it, as the host's ingest does
     */
    public static List<ModelMetricEvent> fromJsonLines(String text) {
        return parse(text, "events");
    }

    /** The events of a JSON-lines file; throws as {@link #fromJsonLines(String)} does, naming the file. */
    public static List<ModelMetricEvent> fromJsonLines(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<ModelMetricEvent> parse(String text, String source) {
        List<ModelMetricEvent> events = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                events.add(EventJson.parse(lines.get(i), TIME));
            } catch (EventFormatException e) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return events;
    }
}
