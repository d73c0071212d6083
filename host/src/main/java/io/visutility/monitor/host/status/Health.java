package io.visutility.monitor.host.status;

import java.util.Locale;

/** A model version's health, in increasing order of severity. */
public enum Health {
    /** No observer reports a warning or drift. */
    OK,
    /** An observer's detector is close to drift; clears when it says STABLE again. */
    WARNING,
    /** An observer's detector found drift; stays until a newer version runs or {@code status.resolve_after} passes. */
    DRIFT;

    /** The name the API and the page use: {@code ok}, {@code warning}, {@code drift}. */
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The worse of the two. */
    public Health worst(Health other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
