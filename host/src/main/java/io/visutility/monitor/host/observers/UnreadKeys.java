package io.visutility.monitor.host.observers;

import io.visutility.monitor.api.Settings;

/**
 * The host's check that a plugin read every key of its settings: a misspelt key would otherwise
 * silently fall back to a default. Run after {@code configure} or {@code start}; the plugin test
 * kit runs the same check. Stateless and thread-safe.
 */
public final class UnreadKeys {

    private UnreadKeys() {
    }

    /**
     * @param reader who read the settings, for the message: {@code type console-logger},
     *               {@code strategy fixed-threshold}
     * @throws IllegalArgumentException naming file, line and the first key never asked for, and
     *                                  the keys that were
     */
    public static void reject(Settings settings, String reader) {
        for (String key : settings.keys()) {
            if (!settings.requestedKeys().contains(key)) {
                throw settings.invalid(key, "unknown key for " + reader + "; it reads: "
                        + (settings.requestedKeys().isEmpty() ? "(no keys)" : String.join(", ", settings.requestedKeys())));
            }
        }
    }
}
