package io.visutility.monitor.api;

import java.time.Instant;
import java.util.List;

/**
 * One measurement about one model version. The set of kinds is closed: {@link InferenceLatency},
 * {@link AccuracyDrift} and {@link ConceptDrift}.
 *
 * <p>Every implementation is an immutable record whose constructor validates its fields and
 * throws {@link IllegalArgumentException} naming the bad field, so an event that exists is valid.
 * Events are safe to share between threads.
 */
public sealed interface ModelMetricEvent permits InferenceLatency, AccuracyDrift, ConceptDrift {

    /** Every event type name, as {@link #type()} returns them. */
    List<String> TYPES = List.of(InferenceLatency.TYPE, AccuracyDrift.TYPE, ConceptDrift.TYPE);

    /** The model version this event is about. */
    ModelVersion model();

    /** When the measurement was taken (the wire format's {@code ts}, or ingest time). */
    Instant timestamp();

    /**
     * The event's name in the wire format and in manifest filters: {@code inference_latency},
     * {@code accuracy_drift} or {@code concept_drift}.
     */
    String type();
}
