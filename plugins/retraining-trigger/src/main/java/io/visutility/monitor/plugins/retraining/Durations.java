package io.visutility.monitor.plugins.retraining;

import java.time.Duration;

/**
 * Writes a duration the way the manifest spells it ({@code 200ms}, {@code 10s}, {@code 10m}), for
 * log lines.
 *
 * <p>Thread-safe: stateless.
 */
final class Durations {

    private Durations() {
    }

    /** The largest unit of d, h, m, s, ms that divides the duration exactly. */
    static String format(Duration duration) {
        long ms = duration.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms != 0 && ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }
}
