package io.visutility.monitor.host.bus;

import java.util.Locale;

/** Why an event accepted for an observer was not delivered to it. */
public enum DropReason {
    /** The queue was full and the policy is {@link OverflowPolicy#DROP_NEWEST}. */
    QUEUE_FULL,
    /** Removed from a full queue to make room for a newer event ({@link OverflowPolicy#DROP_OLDEST}). */
    EVICTED,
    /** The queue stayed full for the whole of the lane's own block timeout ({@link OverflowPolicy#BLOCK}). */
    BLOCK_TIMEOUT,
    /** The observer was paused after repeated failures. */
    PAUSED,
    /** Still queued when the lane's shutdown timeout ran out. */
    SHUTDOWN,
    /**
     * Reaching a lane after it had drained, with no replacement to take it (a replaced lane hands
     * such events on), or held by a lane that was closed before a resume gave it an observer.
     */
    CLOSED;

    /** The name used in logs and metrics, e.g. {@code queue_full}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
