package io.visutility.monitor.host.bus;

/** How a lane calls its observer. */
public enum DispatchMode {
    /** On the producer's thread, during {@code emit}: cheapest, but a slow observer slows the producer. */
    SYNC,
    /**
     * From the lane's own thread, through bounded buffers: the producer never waits on the
     * observer's calls, only, under {@link OverflowPolicy#BLOCK}, for room in full buffers.
     */
    ASYNC
}
