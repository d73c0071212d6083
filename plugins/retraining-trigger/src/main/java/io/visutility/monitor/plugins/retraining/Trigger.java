package io.visutility.monitor.plugins.retraining;

import io.visutility.monitor.api.LogValue;
import java.time.Instant;

/**
 * One retraining trigger, as handed to a {@link RetrainingAction}.
 *
 * <p>Thread-safe: immutable.
 *
 * @param model    the model name
 * @param version  the model version
 * @param strategy the drift strategy's type name
 * @param at       the time of the event that triggered
 * @param reason   the strategy's reason
 * @param score    the strategy's score
 */
record Trigger(String model, String version, String strategy, Instant at, String reason, double score) {

    /** {@code model=<name> version=<version>}: how every action log line names the trigger. */
    String describe() {
        return "model=" + LogValue.quote(model) + " version=" + LogValue.quote(version);
    }
}
