package io.visutility.monitor.plugins.drift;

import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import org.pf4j.Extension;

/**
 * DRIFT when a concept-drift test's p-value is at or below {@code alpha} (default 0.05):
 * {@code pValue <= alpha}. A LOW p-value means the live data no longer looks like the reference,
 * so this is the opposite direction of {@link FixedThresholdStrategy}. Other event kinds are
 * STABLE. The verdict's score is the p-value.
 *
 * <p>Stateless after {@link #configure}; thread-safe.
 */
@Extension
@ExtensionType("p-value")
public final class PValueStrategy implements DriftStrategy {

    static final double DEFAULT_ALPHA = 0.05;

    private double alpha = DEFAULT_ALPHA;

    @Override
    public void configure(Settings settings) {
        double value = settings.getDouble("alpha", DEFAULT_ALPHA);
        if (!(value > 0 && value < 1)) {
            throw settings.invalid("alpha", "must be in (0,1), got " + value);
        }
        alpha = value;
    }

    @Override
    public Verdict evaluate(ModelMetricEvent event) {
        if (!(event instanceof ConceptDrift concept)) {
            return Verdict.stable(1);
        }
        double p = concept.pValue();
        if (p <= alpha) {
            return Verdict.drift(p, "concept drift p-value " + p + " <= alpha " + alpha);
        }
        return Verdict.stable(p);
    }
}
