package io.visutility.monitor.plugins.retraining;

import io.visutility.monitor.api.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * What the retraining trigger does, besides its {@code retraining triggered ...} log line, when it
 * triggers: the observer's {@code action} setting.
 *
 * <p>Thread-safe: implementations are immutable (or hold only thread-safe clients); the observer
 * runs them one at a time on its {@link ActionRunner} anyway.
 */
sealed interface RetrainingAction permits LogAction, WebhookAction, ExecAction {

    /** The valid values of {@code action}, in documentation order. */
    List<String> NAMES = List.of("log", "webhook", "exec");

    /** Keys that only some actions read, with those actions: a key set for another action is an error. */
    Map<String, List<String>> KEYS = Map.of(
            "url", List.of("webhook"),
            "headers", List.of("webhook"),
            "command", List.of("exec"),
            "timeout", List.of("webhook", "exec"));

    /** The {@code action} value, and the {@code action} label of {@code retraining_actions}. */
    String name();

    /** How long one run may take; bounds how long {@link ActionRunner#stop} waits too. */
    Duration timeout();

    /**
     * Runs the action for one trigger and logs its outcome once.
     *
     * @return how it ended; never {@link ActionResult#SKIPPED}
     * @throws InterruptedException if the observer stops while it runs; the action has then
     *                              released what it started (a child process is destroyed)
     */
    ActionResult run(Trigger trigger, Logger log) throws InterruptedException;

    /** Releases what the action holds (threads, clients). Called once, when the observer stops. */
    default void close() {
    }

    /**
     * Reads {@code action} and only the keys of the chosen action, so that the host's unread-key
     * check also rejects keys of another action; rejects them here first, with a clearer message.
     *
     * @throws IllegalArgumentException naming the key, for an unknown action, a key of another
     *                                  action, a missing required key or a bad value
     */
    static RetrainingAction fromSettings(Settings settings) {
        String action = settings.getString("action", "log");
        if (!NAMES.contains(action)) {
            throw settings.invalid("action", "unknown action '" + action + "'; valid: " + String.join(", ", NAMES));
        }
        for (String key : settings.keys()) {
            List<String> owners = KEYS.get(key);
            if (owners != null && !owners.contains(action)) {
                throw settings.invalid(key, "applies only to action " + String.join(" or ", owners)
                        + ", not to action " + action);
            }
        }
        return switch (action) {
            case "webhook" -> WebhookAction.fromSettings(settings);
            case "exec" -> ExecAction.fromSettings(settings);
            default -> new LogAction();
        };
    }

    /** Reads {@code timeout}, which must be positive. */
    static Duration timeout(Settings settings, Duration def) {
        Duration timeout = settings.getDuration("timeout", def);
        if (timeout.isZero() || timeout.isNegative()) {
            throw settings.invalid("timeout", "must be more than 0");
        }
        return timeout;
    }
}
