package io.visutility.monitor.host.bus;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How an async lane waits for work, and how producers wake it: it owns the lane's
 * {@code sleeping} flag, its padded attention flag and their fences ("publish vs sleep" in
 * package-info).
 *
 * <p>When there is nothing to deliver the lane spins briefly, yields, then takes short timed naps
 * (so that under steady traffic no producer pays for a wake-up call), and after about {@value #NAPS}
 * naps of {@code 50µs} without an event parks until a producer wakes it, or for at most a second:
 * an idle lane uses next to no CPU. Before its last {@value #NAPS_WITH_ATTENTION} naps it raises
 * its attention flag and counts itself in each ring it reads; a producer reads its ring's count
 * after each publish, and only while it is not zero does it read the lanes' flags, and for a
 * raised one pay for a full fence and look at {@code sleeping}. (Not before the first nap: lanes
 * that keep up with their producers nap often, and each raise would cost every producer a cache
 * miss and then a fence per event.) The lane announces {@code sleeping} before its last look at
 * the rings and queue, so a producer that saw the flag cannot miss waking it. One that published
 * in the nanoseconds before the flag became visible is caught by the millisecond of naps in
 * between, and, in theory only (the Java memory model sets no time bound on visibility), by the
 * timed park, which looks again after 1 ms, then twice as long each time up to a second.
 *
 * <p>Thread-safety: {@link #idle}, {@link #working} and {@link #raise} belong to the lane
 * thread; {@link #raiseForClose} to the thread closing the lane; the flags are read by any thread.
 */
final class IdleStrategy {

    private static final int SPINS = 100;
    private static final int YIELDS = 100;
    /** Timed naps while traffic may resume soon: no producer has to wake the lane. */
    private static final int NAPS = 200;
    /** The last naps, about a millisecond, during which the lane's attention is raised. */
    private static final int NAPS_WITH_ATTENTION = 20;
    private static final long NAP_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long MIN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final AsyncLane lane;
    /**
     * Raised while the lane may park, is closing or has ended: a producer that reads it raised
     * fences and looks at {@code sleeping} and the lane's state. Padded: producers read it after
     * each publish while their ring counts a raised lane, and with each offer to the queue.
     */
    private final Sequence attention = new Sequence(0);
    private volatile boolean sleeping;
    /** Lane-owned: whether the lane thread raised attention (a close may have raised it too). */
    private boolean raised;
    /** Lane-owned: how long the next sleep may last before the lane looks again. */
    private long sleepNanos = MIN_SLEEP_NANOS;

    IdleStrategy(AsyncLane lane) {
        this.lane = lane;
    }

    /** The flag producers read; a {@link RingReader} keeps it so as not to read the lane. */
    Sequence flag() {
        return attention;
    }

    /** Whether attention is raised, with a volatile read (after the offer's compare-and-set). */
    boolean raised() {
        return attention.getVolatile() != 0;
    }

    boolean sleeping() {
        return sleeping;
    }

    /**
     * One step of waiting after {@code idle} looks that found nothing; returns the next count.
     * Each step is short: the caller looks for work, holds and closing between steps.
     */
    int idle(int idle) {
        if (idle < SPINS) {
            Thread.onSpinWait();
        } else if (idle < SPINS + YIELDS) {
            Thread.yield();
        } else if (idle < SPINS + YIELDS + NAPS) {
            if (!raised && idle >= SPINS + YIELDS + NAPS - NAPS_WITH_ATTENTION) {
                raise();
                lane.readers().letEndedRingsGo(lane.bus());
            }
            LockSupport.parkNanos(lane, NAP_NANOS);
        } else {
            // "publish vs sleep": announce, then look once more before parking.
            sleeping = true;
            if (lane.nothingLeft() && !lane.state().closing()) {
                LockSupport.parkNanos(lane, sleepNanos);
                sleepNanos = Math.min(MAX_SLEEP_NANOS, 2 * sleepNanos);
            }
            sleeping = false;
            return idle; // back to sleep, for longer, unless this look finds work
        }
        return idle + 1;
    }

    /** The lane found work: lowers attention, unless the lane is closing (which keeps it raised). */
    void working() {
        if (raised && !lane.state().closing()) {
            set(false);
            if (lane.state().closing()) {
                set(true); // the close raised it between the look and the store
            }
            sleepNanos = MIN_SLEEP_NANOS;
        }
    }

    /** Raises attention from the lane thread: before a park, and for good as the lane ends. */
    void raise() {
        set(true);
    }

    /** Raises attention for good from the thread that closes the lane (the lane thread may be parked). */
    void raiseForClose() {
        lane.readers().setAttention(attention, true);
    }

    private void set(boolean value) {
        raised = value;
        lane.readers().setAttention(attention, value);
    }
}
