package com.example.monitor;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import org.pf4j.Extension;

/**
 * DRIFT when {@code consecutive} inference latencies in a row (default 3) exceed
 * {@code budget_ms} (default 250): a model that has become too slow for its service level.
 * Other event kinds are STABLE.
 *
 * <p>Stateful: the host gives each model version its own instance. Not thread-safe; the
 * observer that owns an instance serializes calls.
 */
@Extension
@ExtensionType("latency-budget")
public final class LatencyBudgetStrategy implements DriftStrategy {

    private long budgetMs = 250;
    private long consecutive = 3;
    private long overBudget;

    @Override
    public void configure(Settings settings) {
        budgetMs = settings.getLong("budget_ms", budgetMs);
        consecutive = settings.getLong("consecutive", consecutive);
        if (budgetMs <= 0) {
            throw settings.invalid("budget_ms", "must be > 0, got " + budgetMs);
        }
        if (consecutive < 1) {
            throw settings.invalid("consecutive", "must be >= 1, got " + consecutive);
        }
    }

    @Override
    public Verdict evaluate(ModelMetricEvent event) {
        if (!(event instanceof InferenceLatency latency)) {
            return Verdict.stable(overBudget);
        }
        overBudget = latency.latencyMs() > budgetMs ? overBudget + 1 : 0;
        if (overBudget >= consecutive) {
            return Verdict.drift(overBudget, overBudget + " latencies in a row over the " + budgetMs + " ms budget");
        }
        return Verdict.stable(overBudget);
    }

    @Override
    public void reset() {
        overBudget = 0;
    }
}
