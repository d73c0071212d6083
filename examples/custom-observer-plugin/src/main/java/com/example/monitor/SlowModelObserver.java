package com.example.monitor;

import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.LogValue;
import io.visutility.monitor.api.Metrics;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.ObserverContext;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.Settings;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * Logs a warning for each inference latency over {@code budget_ms} (default 500), and counts them
 * per model in {@code slow_model_events_total} on the host's {@code GET /metrics}. Other event
 * kinds are ignored (or filtered out by the manifest's {@code events:}).
 *
 * <p>The host calls {@code onEvent} from one thread at a time; the fields are set in {@code start}.
 */
@Extension
@ExtensionType("slow-model")
public final class SlowModelObserver implements Observer {

    private long budgetMs;
    private Logger log;
    private Metrics.Counter slow;

    @Override
    public void start(ObserverContext ctx) {
        Settings settings = ctx.settings();
        budgetMs = settings.getLong("budget_ms", 500);
        if (budgetMs <= 0) {
            throw settings.invalid("budget_ms", "must be > 0, got " + budgetMs);
        }
        log = ctx.logger();
        slow = ctx.metrics().counter("slow_model_events", "Inference latencies over the budget", "model");
    }

    @Override
    public void onEvent(ModelMetricEvent event) {
        if (event instanceof InferenceLatency latency && latency.latencyMs() > budgetMs) {
            slow.inc(1, latency.model().name());
            log.warn("model={} version={} took {} ms, over its {} ms budget", LogValue.quote(latency.model().name()),
                    LogValue.quote(latency.model().version()),
                    latency.latencyMs(), budgetMs);
        }
    }
}
