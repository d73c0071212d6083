package io.visutility.monitor.host.ingest;

import java.util.Locale;

/** Why an event a source sent was rejected: the {@code reason} label of the rejected-events metric. */
public enum RejectReason {
    /** Not JSON, not a JSON object, or more than one value on a line. */
    MALFORMED,
    /** A {@code type} the host does not know. */
    UNKNOWN_TYPE,
    /** A field missing, unknown, of the wrong type, or out of range. */
    INVALID_FIELD,
    /** A line longer than {@link EventJson#MAX_LINE_BYTES}. */
    TOO_LONG,
    /** Bytes that are not UTF-8. */
    NOT_UTF8;

    /** The name in metrics: lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
