package io.visutility.monitor.plugins.retraining;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * {@code action: log}, the default: the {@code retraining triggered ...} line is the whole action,
 * so the observer runs nothing and starts no thread for it.
 *
 * <p>Thread-safe: immutable.
 */
record LogAction() implements RetrainingAction {

    @Override
    public String name() {
        return "log";
    }

    @Override
    public Duration timeout() {
        return Duration.ZERO;
    }

    @Override
    public ActionResult run(Trigger trigger, Logger log) {
        return ActionResult.OK;
    }
}
