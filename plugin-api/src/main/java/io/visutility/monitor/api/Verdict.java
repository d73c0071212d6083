package io.visutility.monitor.api;

import java.util.Objects;

/**
 * What a {@link DriftStrategy} concluded from one event. Immutable.
 *
 * @param level  how serious: {@link Level#STABLE}, {@link Level#WARNING} or {@link Level#DRIFT}
 * @param score  the measured quantity the decision was made on (strategy-specific)
 * @param reason a short human-readable explanation, never null
 */
public record Verdict(Level level, double score, String reason) {

    /** The severity of a verdict, in increasing order. */
    public enum Level {
        /** No change detected. */
        STABLE,
        /** Close to drift; worth watching. */
        WARNING,
        /** Drift detected: act on it. */
        DRIFT
    }

    /** @throws NullPointerException if {@code level} or {@code reason} is null */
    public Verdict {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(reason, "reason");
    }

    /** A STABLE verdict with the given score and an empty reason. */
    public static Verdict stable(double score) {
        return new Verdict(Level.STABLE, score, "");
    }

    /**
     * A STABLE verdict with a reason, for a strategy that says why it sees no change (still
     * warming up, say).
     *
     * @since 0.2.0
     */
    public static Verdict stable(double score, String reason) {
        return new Verdict(Level.STABLE, score, reason);
    }

    /**
     * A WARNING verdict: close to drift, worth watching.
     *
     * @since 0.2.0
     */
    public static Verdict warning(double score, String reason) {
        return new Verdict(Level.WARNING, score, reason);
    }

    /** A DRIFT verdict. */
    public static Verdict drift(double score, String reason) {
        return new Verdict(Level.DRIFT, score, reason);
    }
}
