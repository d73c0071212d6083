package io.visutility.monitor.host.bus;

/** What an async lane does with an event when its queue is full. */
public enum OverflowPolicy {
    /** Drop the new event (counted as {@link DropReason#QUEUE_FULL}). */
    DROP_NEWEST,
    /** Drop the oldest queued event to make room (counted as {@link DropReason#EVICTED}). */
    DROP_OLDEST,
    /**
     * Make the producer wait for room, for as long as its source lets it (see {@link EventBus#offer}),
     * or, if the lane has a block timeout of its own, up to that timeout, then drop the new event
     * ({@link DropReason#BLOCK_TIMEOUT}). The default: no accepted event is dropped.
     */
    BLOCK
}
