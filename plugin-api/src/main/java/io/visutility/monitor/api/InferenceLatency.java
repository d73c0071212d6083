package io.visutility.monitor.api;

import java.time.Instant;

/**
 * How long one inference took.
 *
 * @param model     the model version measured
 * @param latencyMs latency in milliseconds, {@code >= 0}
 * @param timestamp when it was measured
 */
public record InferenceLatency(ModelVersion model, long latencyMs, Instant timestamp)
        implements ModelMetricEvent {

    /** Wire and filter name of this event kind. */
    public static final String TYPE = "inference_latency";

    /** @throws IllegalArgumentException if a field is null or {@code latencyMs < 0} */
    public InferenceLatency {
        ModelVersion.requireField(model, "model");
        ModelVersion.requireField(timestamp, "timestamp");
        if (latencyMs < 0) {
            throw new IllegalArgumentException("latency_ms must be >= 0, got " + latencyMs);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
