package io.visutility.monitor.plugins.drift;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import org.pf4j.Extension;

/**
 * DRIFT when an accuracy drift reaches {@code threshold} (default 0.05): {@code drift >= threshold}.
 * Other event kinds are STABLE. The verdict's score is the measured drift.
 *
 * <p>Stateless after {@link #configure}; thread-safe.
 */
@Extension
@ExtensionType("fixed-threshold")
public final class FixedThresholdStrategy implements DriftStrategy {

    static final double DEFAULT_THRESHOLD = 0.05;

    private double threshold = DEFAULT_THRESHOLD;

    @Override
    public void configure(Settings settings) {
        double value = settings.getDouble("threshold", DEFAULT_THRESHOLD);
        if (!(value > 0)) {
            throw settings.invalid("threshold", "must be > 0, got " + value);
        }
        threshold = value;
    }

    @Override
    public Verdict evaluate(ModelMetricEvent event) {
        if (!(event instanceof AccuracyDrift accuracy)) {
            return Verdict.stable(0);
        }
        double drift = accuracy.drift();
        if (drift >= threshold) {
            return Verdict.drift(drift, "accuracy drift " + drift + " >= threshold " + threshold);
        }
        return Verdict.stable(drift);
    }
}
