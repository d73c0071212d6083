package io.visutility.monitor.plugins.drift;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Settings;
import java.util.Locale;

/** Which scalar of which event kind a generic detector reads (setting {@code input}). */
enum Input {
    /** {@link AccuracyDrift#drift()}. */
    ACCURACY_DRIFT,
    /** {@link ConceptDrift#pValue()}. */
    CONCEPT_DRIFT,
    /** {@link InferenceLatency#latencyMs()}. */
    INFERENCE_LATENCY;

    /** The value this input reads from {@code event}, or NaN if the event is of another kind. */
    double read(ModelMetricEvent event) {
        return switch (this) {
            case ACCURACY_DRIFT -> event instanceof AccuracyDrift a ? a.drift() : Double.NaN;
            case CONCEPT_DRIFT -> event instanceof ConceptDrift c ? c.pValue() : Double.NaN;
            case INFERENCE_LATENCY -> event instanceof InferenceLatency l ? l.latencyMs() : Double.NaN;
        };
    }

    static Input from(Settings settings) {
        String value = settings.getString("input", "accuracy_drift");
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw settings.invalid("input", "'" + value
                    + "' is not one of: accuracy_drift, concept_drift, inference_latency");
        }
    }
}
