package io.visutility.monitor.host.manifest;

/**
 * A line of a manifest file, for error messages.
 *
 * @param file the file as the user named it
 * @param line 1-based line number
 */
public record SourceLocation(String file, int line) {

    /** A problem with {@code key} at this line: {@code file:line: key: message}. */
    public String problem(String key, String message) {
        return this + ": " + key + ": " + message;
    }

    @Override
    public String toString() {
        return file + ":" + line;
    }
}
