package io.visutility.monitor.plugins.drift;

import io.visutility.monitor.api.Settings;
import java.util.Locale;

/** Which direction of change a detector looks for (setting {@code mode}). */
enum Mode {
    UP, DOWN, BOTH;

    boolean up() {
        return this != DOWN;
    }

    boolean down() {
        return this != UP;
    }

    static Mode from(Settings settings) {
        String value = settings.getString("mode", "both");
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw settings.invalid("mode", "'" + value + "' is not one of: up, down, both");
        }
    }
}
