package io.visutility.monitor.host.bus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What an async lane's thread counts: single-writer counters that any thread may read. The order
 * in which the lane publishes them, and {@link AsyncLane#stats()} reads them, is what makes a
 * snapshot count an event twice at worst, never miss it: what it took from rings last, the events
 * it holds before that, its outcomes (delivered, failed, shutdown) before what it holds.
 *
 * <p>Thread-safety: written by the lane thread only (one at a time: a thread hands over to the
 * next one it starts), or by a producer under the lane's late lock once the lane thread has ended;
 * read by any thread.
 */
final class LaneCounters {

    private static final VarHandle HELD;

    static {
        try {
            HELD = MethodHandles.lookup().findVarHandle(LaneCounters.class, "held", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SingleWriterCounter delivered = new SingleWriterCounter();
    final SingleWriterCounter failed = new SingleWriterCounter();
    /** Taken while the observer was paused after repeated failures. */
    final SingleWriterCounter droppedPaused = new SingleWriterCounter();
    /** Still undelivered when the shutdown timeout ran out. */
    final SingleWriterCounter droppedShutdown = new SingleWriterCounter();
    /** Events the filter accepted that the lane read from rings. */
    final SingleWriterCounter takenFromRings = new SingleWriterCounter();
    /** How often a producer reattached the lane to its ring (for tests). */
    final SingleWriterCounter reattached = new SingleWriterCounter();
    final ProcessingTimeHistogram processingTime = new ProcessingTimeHistogram();
    /** How many events the lane has taken and not yet delivered or counted. */
    @SuppressWarnings("unused") // accessed through HELD
    private int held;

    /** Publishes {@code count} as what the lane holds. */
    void publishHeld(int count) {
        HELD.setRelease(this, count);
    }

    /** How many events the lane has taken and not yet delivered or counted, as last published. */
    int held() {
        return (int) HELD.getAcquire(this);
    }
}
