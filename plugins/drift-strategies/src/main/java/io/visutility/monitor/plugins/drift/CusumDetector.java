package io.visutility.monitor.plugins.drift;

import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.util.Map;
import org.pf4j.Extension;

/**
 * Tabular CUSUM (River's {@code drift.CUSUM} semantics). The mean {@code mu0} and the sample
 * standard deviation {@code sigma0} are frozen from the first {@code min_instances} values (the
 * warm-up); from the last warm-up value on,
 * {@code S+ = max(0, S+ + (x - mu0) - k*sigma0)} and {@code S- = max(0, S- - (x - mu0) - k*sigma0)};
 * DRIFT when S+ (mode up or both) or S- (mode down or both) exceeds {@code h*sigma0}. WARNING when
 * it exceeds {@code warning_threshold*sigma0}. Score: the larger sum divided by {@code h*sigma0}.
 *
 * <p>A constant warm-up has {@code sigma0 = 0}, which would make any deviation a drift: sigma0 is
 * floored at {@value #SIGMA_FLOOR} times {@code max(1, |mu0|)}.
 *
 * <p>Settings: {@code input}, {@code min_instances} 30 (at least 2), {@code slack} (k) 0.5,
 * {@code threshold} (h) 5, {@code mode} both, {@code warning_threshold} (none).
 */
@Extension
@ExtensionType("cusum")
public final class CusumDetector extends ScalarDetector {

    static final double SIGMA_FLOOR = 1e-6;

    private int minInstances;
    private double slack;
    private double threshold;
    private Mode mode;
    private double warning;

    private long n;
    private double warmMean;
    private double warmM2;
    private double mu0;
    private double sigma0;
    private double sumUp;
    private double sumDown;

    @Override
    void configureDetector(Settings settings) {
        minInstances = atLeast(settings, "min_instances", 30, 2);
        slack = nonNegative(settings, "slack", 0.5);
        threshold = positive(settings, "threshold", 5);
        mode = Mode.from(settings);
        warning = warningBelow(settings, "warning_threshold", threshold);
    }

    @Override
    Verdict update(double x) {
        n++;
        if (n <= minInstances) {
            double before = warmMean;
            warmMean += (1.0 / n) * (x - before);
            warmM2 += (x - before) * (x - warmMean);
            if (n < minInstances) {
                return Verdict.stable(0);
            }
            mu0 = warmMean;
            sigma0 = Math.max(Math.sqrt(warmM2 / (n - 1)), SIGMA_FLOOR * Math.max(1, Math.abs(mu0)));
        }
        sumUp = Math.max(0, sumUp + (x - mu0) - slack * sigma0);
        sumDown = Math.max(0, sumDown - (x - mu0) - slack * sigma0);
        double up = mode.up() ? sumUp : 0;
        double down = mode.down() ? sumDown : 0;
        double statistic = Math.max(up, down);
        double limit = threshold * sigma0;
        double score = statistic / limit;
        if (statistic > limit) {
            return Verdict.drift(score, (up >= down ? "increase" : "decrease") + " from the warm-up mean "
                    + PageHinkleyDetector.round(mu0) + ": CUSUM " + PageHinkleyDetector.round(statistic / sigma0)
                    + " sigma > threshold " + threshold + " sigma");
        }
        if (statistic > warning * sigma0) {
            return new Verdict(Verdict.Level.WARNING, score, "CUSUM " + PageHinkleyDetector.round(statistic / sigma0)
                    + " sigma > warning_threshold " + warning + " sigma");
        }
        return Verdict.stable(score);
    }

    @Override
    public Map<String, Object> saveState() {
        Map<String, Object> state = State.builder();
        state.put("n", n);
        state.put("warm_mean", State.number(warmMean));
        state.put("warm_m2", State.number(warmM2));
        state.put("mu0", State.number(mu0));
        state.put("sigma0", State.number(sigma0));
        state.put("sum_up", State.number(sumUp));
        state.put("sum_down", State.number(sumDown));
        return state;
    }

    @Override
    public void restoreState(Map<String, Object> saved) {
        State state = State.of(saved);
        n = state.getLong("n");
        warmMean = state.getDouble("warm_mean");
        warmM2 = state.getDouble("warm_m2");
        mu0 = state.getDouble("mu0");
        sigma0 = state.getDouble("sigma0");
        sumUp = state.getDouble("sum_up");
        sumDown = state.getDouble("sum_down");
    }

    @Override
    public void reset() {
        n = 0;
        warmMean = 0;
        warmM2 = 0;
        mu0 = 0;
        sigma0 = 0;
        sumUp = 0;
        sumDown = 0;
    }
}
