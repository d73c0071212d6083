package io.visutility.monitor.host.bus;

import java.util.Locale;

/** Why an event accepted for an observer was not delivered to it. */
public enum DropReason {
    /** The queue was full and the policy is {@link OverflowPolicy#DROP_NEWEST}. */
    QUEUE_FULL,
    /** Removed from a full queue to make room for a newer event ({@link OverflowPolicy#DROP_OLDEST}). */
    EVICTED,
    /** The queue stayed full for the whole block timeout ({@link OverflowPolicy#BLOCK}). */
    BLOCK_TIMEOUT,
    /** A sync observer was paused after repeated failures. */
    PAUSED,
    /** Still queued when the lane's shutdown timeout ran out. */
    SHUTDOWN,
    /**
     * Reaching an async lane after it had drained (one that is replaced hands such events on to its
     * replacement instead), or held by a lane that was closed before a resume handed them on.
     */
    CLOSED;

    /** The name used in logs and metrics, e.g. {@code queue_full}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
