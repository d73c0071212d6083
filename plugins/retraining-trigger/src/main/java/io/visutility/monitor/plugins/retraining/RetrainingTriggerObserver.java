package io.visutility.monitor.plugins.retraining;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.ObserverContext;
import io.visutility.monitor.api.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * Asks the configured drift strategy about every event, with one strategy instance per model
 * version, created when the version is first seen. On a DRIFT verdict it logs
 * {@code retraining triggered model=<name> version=<version> strategy=<type> at=<event time> reason=<text>},
 * resets that strategy, and does not trigger again for the same model version within
 * {@code cooldown} (default 10m), counted in event time so that a replayed stream behaves as it
 * did live. A WARNING verdict logs {@code drift warning ...} in the same shape, once per warning
 * episode (until a STABLE or DRIFT verdict ends it).
 *
 * <p>Thread-safe: events for one model version are evaluated one at a time.
 */
@Extension
@ExtensionType("retraining-trigger")
public final class RetrainingTriggerObserver implements Observer {

    static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(10);

    private final ConcurrentMap<ModelVersion, ModelState> models = new ConcurrentHashMap<>();
    private volatile ObserverContext ctx;
    private volatile Duration cooldown = DEFAULT_COOLDOWN;
    private volatile Logger log;
    private volatile String strategyType = "";

    @Override
    public void start(ObserverContext ctx) {
        Duration value = ctx.settings().getDuration("cooldown", DEFAULT_COOLDOWN);
        ctx.newStrategy(); // fails now, with the manifest line, if no strategy is configured
        this.cooldown = value;
        this.strategyType = ctx.strategyType().isEmpty() ? "unknown" : ctx.strategyType();
        this.log = ctx.logger();
        this.ctx = ctx;
    }

    @Override
    public void onEvent(ModelMetricEvent event) {
        models.computeIfAbsent(event.model(), model -> new ModelState(ctx.newStrategy())).evaluate(event);
    }

    @Override
    public void stop() {
        models.clear();
    }

    /** One model version's strategy, last trigger time and warning episode; guarded by its own monitor. */
    private final class ModelState {
        private final DriftStrategy strategy;
        private Instant lastTrigger;
        private boolean warning;

        ModelState(DriftStrategy strategy) {
            this.strategy = strategy;
        }

        synchronized void evaluate(ModelMetricEvent event) {
            Verdict verdict = strategy.evaluate(event);
            switch (verdict.level()) {
                case STABLE -> warning = false;
                case WARNING -> {
                    if (!warning) {
                        warning = true;
                        log.info("drift warning " + line(event, verdict));
                    }
                }
                case DRIFT -> {
                    warning = false;
                    Instant at = event.timestamp();
                    if (lastTrigger != null && at.isBefore(lastTrigger.plus(cooldown))) {
                        log.debug("drift for {} within cooldown since {}: {}", event.model(), lastTrigger,
                                verdict.reason());
                        return;
                    }
                    lastTrigger = at;
                    strategy.reset();
                    log.info("retraining triggered " + line(event, verdict));
                }
            }
        }

        private String line(ModelMetricEvent event, Verdict verdict) {
            return "model=" + event.model().name() + " version=" + event.model().version() + " strategy="
                    + strategyType + " at=" + event.timestamp() + " reason=" + verdict.reason();
        }
    }
}
