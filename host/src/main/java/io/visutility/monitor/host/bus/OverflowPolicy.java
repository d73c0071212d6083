package io.visutility.monitor.host.bus;

/** What an async lane does with an event when its queue is full. */
public enum OverflowPolicy {
    /** Drop the new event (counted as {@link DropReason#QUEUE_FULL}). */
    DROP_NEWEST,
    /** Drop the oldest queued event to make room (counted as {@link DropReason#EVICTED}). */
    DROP_OLDEST,
    /** Make the producer wait up to the block timeout, then drop the new event ({@link DropReason#BLOCK_TIMEOUT}). */
    BLOCK
}
