package io.visutility.monitor.plugins.drift;

import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.util.Locale;
import java.util.Map;
import org.pf4j.Extension;

/**
 * Page-Hinkley test (River's {@code drift.PageHinkley} semantics). For each value x: the running
 * mean includes x; {@code S+ = alpha*S+ + (x - mean - delta)}, {@code S- = alpha*S- + (x - mean + delta)};
 * the minimum of S+ and the maximum of S- so far are tracked; DRIFT when at least
 * {@code min_instances} values were seen and {@code S+ - min(S+) > threshold} (mode up or both) or
 * {@code max(S-) - S- > threshold} (mode down or both). WARNING past {@code warning_threshold}.
 * Score: the larger test statistic divided by {@code threshold} (1 = firing).
 *
 * <p>Settings: {@code input}, {@code min_instances} 30, {@code delta} 0.005, {@code threshold} 50,
 * {@code alpha} 0.9999, {@code mode} both, {@code warning_threshold} (none).
 */
@Extension
@ExtensionType("page-hinkley")
public final class PageHinkleyDetector extends ScalarDetector {

    private int minInstances;
    private double delta;
    private double threshold;
    private double alpha;
    private Mode mode;
    private double warning;

    private long n;
    private double mean;
    private double sumUp;
    private double sumDown;
    private double minUp;
    private double maxDown;

    @Override
    void configureDetector(Settings settings) {
        minInstances = atLeast(settings, "min_instances", 30, 1);
        delta = openUnit(settings, "delta", 0.005);
        threshold = positive(settings, "threshold", 50);
        alpha = openUnitOrOne(settings);
        mode = Mode.from(settings);
        warning = warningBelow(settings, "warning_threshold", threshold);
    }

    private static double openUnitOrOne(Settings settings) {
        double value = settings.getDouble("alpha", 0.9999);
        if (!(value > 0 && value <= 1)) {
            throw settings.invalid("alpha", "alpha must be in (0,1], got " + value);
        }
        return value;
    }

    @Override
    Verdict update(double x) {
        n++;
        mean += (1.0 / n) * (x - mean); // River's arithmetic, so detection indices match to the value
        sumUp = alpha * sumUp + (x - mean - delta);
        sumDown = alpha * sumDown + (x - mean + delta);
        minUp = Math.min(minUp, sumUp);
        maxDown = Math.max(maxDown, sumDown);
        double up = mode.up() ? sumUp - minUp : 0;
        double down = mode.down() ? maxDown - sumDown : 0;
        double statistic = Math.max(up, down);
        double score = statistic / threshold;
        if (n < minInstances) {
            return Verdict.stable(score);
        }
        if (statistic > threshold) {
            return Verdict.drift(score, (up >= down ? "increase" : "decrease") + " of the mean: Page-Hinkley statistic "
                    + round(statistic) + " > threshold " + threshold + " after " + n + " values");
        }
        if (statistic > warning) {
            return new Verdict(Verdict.Level.WARNING, score, "Page-Hinkley statistic " + round(statistic)
                    + " > warning_threshold " + warning);
        }
        return Verdict.stable(score);
    }

    @Override
    public Map<String, Object> saveState() {
        Map<String, Object> state = State.builder();
        state.put("n", n);
        state.put("mean", State.number(mean));
        state.put("sum_up", State.number(sumUp));
        state.put("sum_down", State.number(sumDown));
        state.put("min_up", State.number(minUp));
        state.put("max_down", State.number(maxDown));
        return state;
    }

    @Override
    public void restoreState(Map<String, Object> saved) {
        State state = State.of(saved);
        n = state.getLong("n");
        mean = state.getDouble("mean");
        sumUp = state.getDouble("sum_up");
        sumDown = state.getDouble("sum_down");
        minUp = state.getDouble("min_up");
        maxDown = state.getDouble("max_down");
    }

    @Override
    public void reset() {
        n = 0;
        mean = 0;
        sumUp = 0;
        sumDown = 0;
        minUp = Double.POSITIVE_INFINITY;
        maxDown = Double.NEGATIVE_INFINITY;
    }

    static String round(double value) {
        return String.format(Locale.ROOT, "%.4g", value);
    }
}
