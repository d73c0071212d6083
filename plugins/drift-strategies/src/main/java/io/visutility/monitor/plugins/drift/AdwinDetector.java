package io.visutility.monitor.plugins.drift;

import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * ADWIN, adaptive windowing (Bifet and Gavaldà), with River's current semantics. The window is
 * kept as an exponential histogram: row {@code i} holds up to {@code max_buckets} buckets of
 * {@code 2^i} values each (total and sum of squared deviations), row 0 the newest; a row that
 * reaches {@code max_buckets + 1} merges its two oldest buckets into the next row. Every
 * {@code clock} values, once the window is wider than {@code grace_period}, every split of the
 * window into an older part W0 and a newer part W1 (both at least {@code min_window_length}) is
 * tested: a cut when {@code |mean(W0) - mean(W1)| > eps}, with
 * {@code eps = sqrt(2 m (var/W) d) + (2/3) d m}, {@code d = ln(2 ln(W) / delta)} and
 * {@code m = 1/(n0 - mwl + 1) + 1/(n1 - mwl + 1)}; on a cut the oldest bucket is dropped and the
 * test starts over. A cut is a DRIFT, both directions; the window is then dropped. Memory is
 * logarithmic in the window length. Score: the largest {@code |dm| / eps} of the last test.
 *
 * <p>Settings: {@code input}, {@code delta} 0.002, {@code clock} 32, {@code max_buckets} 5,
 * {@code min_window_length} 5, {@code grace_period} 10.
 */
@Extension
@ExtensionType("adwin")
public final class AdwinDetector extends ScalarDetector {

    private double delta;
    private int clock;
    private int maxBuckets;
    private int minWindowLength;
    private int gracePeriod;

    private final List<Row> rows = new ArrayList<>();
    private long tick;
    private double width;
    private double total;
    private double variance;
    private double lastScore;

    /** One row of the histogram: buckets of 2^index values, slot 0 the oldest. */
    private static final class Row {
        final double[] totals;
        final double[] variances;
        int count;

        Row(int slots) {
            totals = new double[slots];
            variances = new double[slots];
        }

        void add(double bucketTotal, double bucketVariance) {
            totals[count] = bucketTotal;
            variances[count] = bucketVariance;
            count++;
        }

        void dropOldest(int how) {
            System.arraycopy(totals, how, totals, 0, count - how);
            System.arraycopy(variances, how, variances, 0, count - how);
            count -= how;
        }
    }

    @Override
    void configureDetector(Settings settings) {
        delta = openUnit(settings, "delta", 0.002);
        clock = atLeast(settings, "clock", 32, 1);
        maxBuckets = atLeast(settings, "max_buckets", 5, 2);
        minWindowLength = atLeast(settings, "min_window_length", 5, 1);
        gracePeriod = atLeast(settings, "grace_period", 10, 0);
    }

    @Override
    Verdict update(double x) {
        tick++;
        insert(x);
        if (tick % clock != 0 || width <= gracePeriod) {
            return Verdict.stable(lastScore);
        }
        double widthBefore = width;
        if (detectChange()) {
            return Verdict.drift(lastScore, "the mean changed: ADWIN cut the window of "
                    + (long) widthBefore + " values to " + (long) width + " (delta " + delta + ")");
        }
        return Verdict.stable(lastScore);
    }

    private void insert(double x) {
        if (rows.isEmpty()) {
            rows.add(new Row(maxBuckets + 1));
        }
        rows.get(0).add(x, 0);
        width += 1;
        if (width > 1) {
            double before = total / (width - 1);
            variance += (width - 1) * (x - before) * (x - before) / width;
        }
        total += x;
        compress();
    }

    private void compress() {
        for (int index = 0; rows.get(index).count == maxBuckets + 1; index++) {
            Row row = rows.get(index);
            double n = 1L << index;
            double mean1 = row.totals[0] / n;
            double mean2 = row.totals[1] / n;
            double mergedTotal = row.totals[0] + row.totals[1];
            double mergedVariance = row.variances[0] + row.variances[1] + n * 0.5 * (mean1 - mean2) * (mean1 - mean2);
            if (index + 1 == rows.size()) {
                rows.add(new Row(maxBuckets + 1));
            }
            rows.get(index + 1).add(mergedTotal, mergedVariance);
            row.dropOldest(2);
            if (rows.get(index + 1).count <= maxBuckets) {
                return;
            }
        }
    }

    /** Tests every split; drops the oldest bucket on each cut and tests again. */
    private boolean detectChange() {
        boolean changed = false;
        lastScore = 0;
        boolean cut = true;
        while (cut) {
            cut = false;
            double n0 = 0;
            double n1 = width;
            double u0 = 0;
            double u1 = total;
            scan:
            for (int r = rows.size() - 1; r >= 0; r--) {
                Row row = rows.get(r);
                double n = 1L << r;
                for (int k = 0; k < row.count; k++) {
                    n0 += n;
                    n1 -= n;
                    u0 += row.totals[k];
                    u1 -= row.totals[k];
                    if (r == 0 && k == row.count - 1) {
                        break scan; // W1 would be empty
                    }
                    if (n0 >= minWindowLength && n1 >= minWindowLength && isCut(n0, n1, u0 / n0 - u1 / n1)) {
                        changed = true;
                        cut = true;
                        dropOldestBucket();
                        break scan;
                    }
                }
            }
        }
        return changed;
    }

    private boolean isCut(double n0, double n1, double meanDifference) {
        double deltaPrime = Math.log(2 * Math.log(width) / delta);
        double mRecip = 1 / (n0 - minWindowLength + 1) + 1 / (n1 - minWindowLength + 1);
        double epsilon = Math.sqrt(2 * mRecip * (variance / width) * deltaPrime) + 2.0 / 3.0 * deltaPrime * mRecip;
        double ratio = Math.abs(meanDifference) / epsilon;
        lastScore = Math.max(lastScore, ratio);
        return Math.abs(meanDifference) > epsilon;
    }

    private void dropOldestBucket() {
        int last = rows.size() - 1;
        Row row = rows.get(last);
        double n = 1L << last;
        double u = row.totals[0];
        double v = row.variances[0];
        width -= n;
        total -= u;
        double meanW = total / width;
        variance -= v + n * width * (u / n - meanW) * (u / n - meanW) / (n + width);
        row.dropOldest(1);
        if (row.count == 0) {
            rows.remove(last);
        }
    }

    /** How many histogram rows the window uses now (logarithmic in its length). */
    int rowCount() {
        return rows.size();
    }

    @Override
    public Map<String, Object> saveState() {
        Map<String, Object> state = State.builder();
        state.put("tick", tick);
        state.put("width", State.number(width));
        state.put("total", State.number(total));
        state.put("variance", State.number(variance));
        List<Object> saved = new ArrayList<>();
        for (Row row : rows) {
            saved.add(List.of(State.numbers(row.totals, row.count), State.numbers(row.variances, row.count)));
        }
        state.put("rows", saved);
        return state;
    }

    @Override
    public void restoreState(Map<String, Object> saved) {
        State state = State.of(saved);
        List<Row> restored = new ArrayList<>();
        for (Object item : state.getList("rows")) {
            if (!(item instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof List<?> totals)
                    || !(pair.get(1) instanceof List<?> variances) || totals.size() != variances.size()
                    || totals.size() > maxBuckets) {
                throw new IllegalArgumentException("state key 'rows' must hold [totals, variances] pairs of at most "
                        + maxBuckets + " buckets");
            }
            Row row = new Row(maxBuckets + 1);
            for (int k = 0; k < totals.size(); k++) {
                row.add(State.toDouble("rows", totals.get(k)), State.toDouble("rows", variances.get(k)));
            }
            restored.add(row);
        }
        tick = state.getLong("tick");
        width = state.getDouble("width");
        total = state.getDouble("total");
        variance = state.getDouble("variance");
        rows.clear();
        rows.addAll(restored);
    }

    @Override
    public void reset() {
        rows.clear();
        tick = 0;
        width = 0;
        total = 0;
        variance = 0;
        lastScore = 0;
    }
}
