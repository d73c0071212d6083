package io.visutility.monitor.plugins.drift;

import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.util.Locale;
import java.util.Map;
import org.pf4j.Extension;

/**
 * DRIFT when {@code consecutive} (default 1) concept-drift p-values in a row are at or below the
 * significance level: {@code alpha} (default 0.05), or {@code alpha / m} with
 * {@code correction: bonferroni} (for {@code m} tests run together). A LOW p-value means the live
 * data no longer look like the reference, the opposite direction of {@link FixedThresholdStrategy}.
 * Other event kinds are STABLE and do not break a run. Score: {@code level / p} (1 at the level).
 *
 * <p>Stateful (the current run of low p-values): one instance per model version; not thread-safe.
 */
@Extension
@ExtensionType("p-value")
public final class PValueStrategy implements DriftStrategy {

    static final double DEFAULT_ALPHA = 0.05;

    private double alpha = DEFAULT_ALPHA;
    private double level = DEFAULT_ALPHA;
    private long consecutive = 1;
    private long run;

    @Override
    public void configure(Settings settings) {
        double value = settings.getDouble("alpha", DEFAULT_ALPHA);
        if (!(value > 0 && value < 1)) {
            throw settings.invalid("alpha", "must be in (0,1), got " + value);
        }
        long inARow = settings.getLong("consecutive", 1);
        if (inARow < 1) {
            throw settings.invalid("consecutive", "must be >= 1, got " + inARow);
        }
        String correction = settings.getString("correction", "none").toLowerCase(Locale.ROOT);
        long m = settings.getLong("m", 1);
        switch (correction) {
            case "none" -> {
                if (settings.keys().contains("m")) {
                    throw settings.invalid("m", "applies only with correction: bonferroni");
                }
            }
            case "bonferroni" -> {
                if (!settings.keys().contains("m") || m < 1) {
                    throw settings.invalid("m", "correction: bonferroni needs m, the number of tests (>= 1)");
                }
            }
            default -> throw settings.invalid("correction", "'" + correction + "' is not one of: none, bonferroni");
        }
        alpha = value;
        level = value / m;
        consecutive = inARow;
        run = 0;
    }

    @Override
    public Verdict evaluate(ModelMetricEvent event) {
        if (!(event instanceof ConceptDrift concept)) {
            return Verdict.stable(0);
        }
        double p = concept.pValue();
        double score = p > 0 ? level / p : Double.POSITIVE_INFINITY;
        if (p > level) {
            run = 0;
            return Verdict.stable(score);
        }
        run++;
        String cut = level == alpha ? "alpha " + alpha : "alpha/m " + level;
        if (run >= consecutive) {
            return Verdict.drift(score, "concept drift p-value " + p + " <= " + cut
                    + (consecutive > 1 ? " (" + run + " in a row)" : ""));
        }
        return new Verdict(Verdict.Level.WARNING, score, "concept drift p-value " + p + " <= " + cut + " ("
                + run + " of " + consecutive + " in a row)");
    }

    @Override
    public Map<String, Object> saveState() {
        return Map.of("run", run);
    }

    @Override
    public void restoreState(Map<String, Object> saved) {
        run = State.of(saved).getLong("run");
    }

    @Override
    public void reset() {
        run = 0;
    }
}
