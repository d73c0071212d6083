package io.visutility.monitor.api;

import java.time.Instant;

/**
 * The p-value of a statistical test comparing live inputs to the reference distribution.
 * A LOW p-value means the distributions differ: drift.
 *
 * @param model     the model version measured
 * @param pValue    the test's p-value, in {@code [0, 1]}
 * @param timestamp when it was measured
 */
public record ConceptDrift(ModelVersion model, double pValue, Instant timestamp)
        implements ModelMetricEvent {

    /** Wire and filter name of this event kind. */
    public static final String TYPE = "concept_drift";

    /** @throws IllegalArgumentException if a field is null or {@code pValue} is outside [0, 1] */
    public ConceptDrift {
        ModelVersion.requireField(model, "model");
        ModelVersion.requireField(timestamp, "timestamp");
        if (!(pValue >= 0.0 && pValue <= 1.0)) {
            throw new IllegalArgumentException("p_value must be in [0, 1], got " + pValue);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
