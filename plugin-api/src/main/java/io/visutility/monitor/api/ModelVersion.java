package io.visutility.monitor.api;

import java.util.Objects;

/**
 * The model an event is about: its name and its version, both non-blank.
 *
 * <p>Immutable and thread-safe. Used as a map key by observers that keep state per model
 * version (one drift strategy per version, for example).
 *
 * @param name    model name, e.g. {@code object_detector}
 * @param version model version, e.g. {@code v1.2.3}
 */
public record ModelVersion(String name, String version) {

    /**
     * @throws IllegalArgumentException if {@code name} or {@code version} is null or blank
     */
    public ModelVersion {
        requireNonBlank(name, "name");
        requireNonBlank(version, "version");
    }

    private static void requireNonBlank(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("model " + field + " must not be blank");
        }
    }

    /** Returns {@code name@version}, the form used in log lines. */
    @Override
    public String toString() {
        return name + "@" + version;
    }

    static <T> T requireField(T value, String field) {
        return Objects.requireNonNull(value, () -> field + " must not be null");
    }
}
