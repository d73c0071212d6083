package io.visutility.monitor.plugins.drift;

import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.util.Map;
import org.pf4j.Extension;

/**
 * EWMA control chart (River's {@code drift.EWMA} semantics). {@code z} starts at the first value and follows
 * {@code z = alpha*x + (1-alpha)*z}; the centre line is the running mean of all values; sigma comes
 * from exponentially weighted moments of x (weight {@code alpha}, started at the first value:
 * {@code sigma^2 = E_w[x^2] - E_w[x]^2}); DRIFT when at least {@code min_instances} values were seen
 * and z leaves {@code centre ± L*sigma*sqrt(alpha/(2-alpha)*(1-(1-alpha)^(2n)))} (upward: mode up or
 * both; downward: mode down or both). Score: {@code |z - centre|} divided by the bound.
 *
 * <p>Settings: {@code input}, {@code alpha} 0.1, {@code threshold} (L) 4, {@code min_instances} 30,
 * {@code mode} both.
 */
@Extension
@ExtensionType("ewma")
public final class EwmaDetector extends ScalarDetector {

    private double alpha;
    private double limit;
    private int minInstances;
    private Mode mode;

    private long n;
    private double z;
    private double mean;
    private double ewMean;
    private double ewSquare;

    @Override
    void configureDetector(Settings settings) {
        alpha = openUnit(settings, "alpha", 0.1);
        limit = positive(settings, "threshold", 4);
        minInstances = atLeast(settings, "min_instances", 30, 1);
        mode = Mode.from(settings);
    }

    @Override
    Verdict update(double x) {
        n++;
        if (n == 1) {
            z = x;
            mean = x;
            ewMean = x;
            ewSquare = x * x;
        } else {
            z = alpha * x + (1 - alpha) * z;
            mean += (1.0 / n) * (x - mean);
            ewMean = alpha * x + (1 - alpha) * ewMean;
            ewSquare = alpha * x * x + (1 - alpha) * ewSquare;
        }
        double sigma = Math.sqrt(Math.max(0, ewSquare - ewMean * ewMean));
        double bound = limit * sigma * Math.sqrt(alpha / (2 - alpha) * (1 - Math.pow(1 - alpha, 2.0 * n)));
        double deviation = z - mean;
        double score = bound > 0 ? Math.abs(deviation) / bound : 0;
        boolean out = bound > 0 && ((mode.up() && deviation > bound) || (mode.down() && -deviation > bound));
        if (n >= minInstances && out) {
            return Verdict.drift(score, (deviation > 0 ? "increase" : "decrease") + ": EWMA "
                    + PageHinkleyDetector.round(z) + " outside " + PageHinkleyDetector.round(mean) + " ± "
                    + PageHinkleyDetector.round(bound) + " after " + n + " values");
        }
        return Verdict.stable(score);
    }

    @Override
    public Map<String, Object> saveState() {
        Map<String, Object> state = State.builder();
        state.put("n", n);
        state.put("z", State.number(z));
        state.put("mean", State.number(mean));
        state.put("ew_mean", State.number(ewMean));
        state.put("ew_square", State.number(ewSquare));
        return state;
    }

    @Override
    public void restoreState(Map<String, Object> saved) {
        State state = State.of(saved);
        n = state.getLong("n");
        z = state.getDouble("z");
        mean = state.getDouble("mean");
        ewMean = state.getDouble("ew_mean");
        ewSquare = state.getDouble("ew_square");
    }

    @Override
    public void reset() {
        n = 0;
        z = 0;
        mean = 0;
        ewMean = 0;
        ewSquare = 0;
    }
}
