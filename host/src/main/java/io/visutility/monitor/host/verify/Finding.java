package io.visutility.monitor.host.verify;

/**
 * One line of what {@code monitor verify-plugin} found in a jar.
 *
 * @param level   whether it stops the jar from loading or working ({@link Level#ERROR}) or is
 *                worth knowing ({@link Level#INFO})
 * @param message one line, naming the class, key or entry it is about
 */
public record Finding(Level level, String message) {

    /** How much a finding matters. */
    public enum Level {
        /** The jar would not load, or would fail at run time. */
        ERROR,
        /** Worth knowing; the jar works. */
        INFO
    }

    static Finding error(String message) {
        return new Finding(Level.ERROR, message);
    }

    static Finding info(String message) {
        return new Finding(Level.INFO, message);
    }
}
