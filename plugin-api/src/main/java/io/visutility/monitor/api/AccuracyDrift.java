package io.visutility.monitor.api;

import java.time.Instant;

/**
 * How far a model's accuracy has moved from its reference. A HIGH value means drift.
 *
 * @param model     the model version measured
 * @param drift     the drift measure, a finite number
 * @param timestamp when it was measured
 */
public record AccuracyDrift(ModelVersion model, double drift, Instant timestamp)
        implements ModelMetricEvent {

    /** Wire and filter name of this event kind. */
    public static final String TYPE = "accuracy_drift";

    /** @throws IllegalArgumentException if a field is null or {@code drift} is NaN or infinite */
    public AccuracyDrift {
        ModelVersion.requireField(model, "model");
        ModelVersion.requireField(timestamp, "timestamp");
        if (!Double.isFinite(drift)) {
            throw new IllegalArgumentException("drift must be a finite number, got " + drift);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
