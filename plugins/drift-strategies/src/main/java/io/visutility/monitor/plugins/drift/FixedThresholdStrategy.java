package io.visutility.monitor.plugins.drift;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.util.Locale;
import org.pf4j.Extension;

/**
 * DRIFT when an accuracy drift reaches {@code threshold} (default 0.05): with {@code direction:
 * above} (the default) when {@code drift >= threshold}, with {@code below} when
 * {@code drift <= threshold}. With {@code warning}, a level short of the threshold on the same
 * side, WARNING between the two. Other event kinds are STABLE. Score: how far toward firing, 1 at
 * the threshold ({@code drift / threshold} above, {@code threshold / drift} below).
 *
 * <p>Stateless after {@link #configure}; thread-safe.
 */
@Extension
@ExtensionType("fixed-threshold")
public final class FixedThresholdStrategy implements DriftStrategy {

    static final double DEFAULT_THRESHOLD = 0.05;

    private double threshold = DEFAULT_THRESHOLD;
    private boolean above = true;
    private double warning = Double.NaN;

    @Override
    public void configure(Settings settings) {
        double value = settings.getDouble("threshold", DEFAULT_THRESHOLD);
        if (!(value > 0)) {
            throw settings.invalid("threshold", "must be > 0, got " + value);
        }
        String direction = settings.getString("direction", "above").toLowerCase(Locale.ROOT);
        if (!direction.equals("above") && !direction.equals("below")) {
            throw settings.invalid("direction", "'" + direction + "' is not one of: above, below");
        }
        double warn = settings.getDouble("warning", Double.NaN);
        boolean up = direction.equals("above");
        if (!Double.isNaN(warn) && (up ? warn >= value : warn <= value)) {
            throw settings.invalid("warning", "must be " + (up ? "below" : "above") + " the threshold " + value
                    + " (direction " + direction + "), got " + warn);
        }
        threshold = value;
        above = up;
        warning = warn;
    }

    @Override
    public Verdict evaluate(ModelMetricEvent event) {
        if (!(event instanceof AccuracyDrift accuracy)) {
            return Verdict.stable(0);
        }
        double drift = accuracy.drift();
        double score = above ? drift / threshold : (drift > 0 ? threshold / drift : Double.POSITIVE_INFINITY);
        String side = above ? ">=" : "<=";
        if (above ? drift >= threshold : drift <= threshold) {
            return Verdict.drift(score, "accuracy drift " + drift + " " + side + " threshold " + threshold);
        }
        if (above ? drift >= warning : drift <= warning) {
            return new Verdict(Verdict.Level.WARNING, score, "accuracy drift " + drift + " " + side + " warning "
                    + warning);
        }
        return Verdict.stable(score);
    }
}
