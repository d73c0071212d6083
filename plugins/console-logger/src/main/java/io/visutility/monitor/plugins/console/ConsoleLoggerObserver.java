package io.visutility.monitor.plugins.console;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.LogValue;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.ObserverContext;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * Logs one readable line per event, e.g.
 * {@code concept_drift object_detector@v1.2.3 p_value=0.003 ts=2026-11-26T10:00:00Z}.
 *
 * <p>Thread-safe: stateless after {@link #start}.
 */
@Extension
@ExtensionType("console-logger")
public final class ConsoleLoggerObserver implements Observer {

    private volatile Logger log;

    @Override
    public void start(ObserverContext ctx) {
        log = ctx.logger();
    }

    @Override
    public void onEvent(ModelMetricEvent event) {
        if (log.isInfoEnabled()) {
            log.info("{} {} {} ts={}", event.type(), LogValue.quote(event.model().toString()), measurement(event),
                    event.timestamp());
        }
    }

    static String measurement(ModelMetricEvent event) {
        if (event instanceof InferenceLatency latency) {
            return "latency_ms=" + latency.latencyMs();
        }
        if (event instanceof AccuracyDrift drift) {
            return "drift=" + drift.drift();
        }
        return "p_value=" + ((ConceptDrift) event).pValue();
    }
}
