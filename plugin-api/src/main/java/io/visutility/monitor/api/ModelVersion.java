package io.visutility.monitor.api;

/**
 * The model an event is about: its name and its version, both non-blank and free of control
 * characters (they end up in log lines and metric labels, where a line break would forge a line).
 *
 * <p>Immutable and thread-safe. Used as a map key by observers that keep state per model
 * version (one drift strategy per version, for example).
 *
 * @param name    model name, e.g. {@code object_detector}
 * @param version model version, e.g. {@code v1.2.3}
 */
public record ModelVersion(String name, String version) {

    /**
     * @throws IllegalArgumentException if {@code name} or {@code version} is null or blank, or
     *                                  holds a control character (U+0000-U+001F, U+007F-U+009F,
     *                                  U+2028, U+2029)
     */
    public ModelVersion {
        requireNonBlank(name, "name");
        requireNonBlank(version, "version");
    }

    private static void requireNonBlank(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("model " + field + " must not be blank");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new IllegalArgumentException(String.format(
                        "model %s must not contain control characters, found U+%04X at index %d", field, (int) c, i));
            }
        }
    }

    /** Returns {@code name@version}, the form used in log lines. */
    @Override
    public String toString() {
        return name + "@" + version;
    }

    /** The events' null check: an {@link IllegalArgumentException} naming the field, as for every other bad value. */
    static <T> T requireField(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        return value;
    }
}
