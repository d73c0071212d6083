package io.visutility.monitor.plugins.retraining;

import java.util.Locale;

/**
 * How one action run ended: the {@code result} label of {@code retraining_actions}.
 *
 * <p>Thread-safe: an enum.
 */
enum ActionResult {
    OK, FAILED, TIMEOUT, SKIPPED;

    /** The label value: the name in lower case. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
