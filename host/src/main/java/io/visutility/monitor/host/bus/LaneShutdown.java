package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * How an async lane ends without losing what producers send it at that moment ("late hand-on" in
 * package-info): the lane thread's last look delivers what producers left before they could see
 * the lane end; producers that do see it take what they sent late themselves, after that last look,
 * and hand it on to the lane that replaced this one ({@link Lane#successor}), or count it as
 * {@link DropReason#CLOSED}.
 *
 * <p>Thread-safety: what consumes the lane's buffers once it has ended (the last look, then
 * producers taking what came late) is serialized by this object's monitor, the lane's "late lock".
 * It is not the readers lock: a producer handing on to a held replacement may keep the late lock
 * until the swap resumes that lane, and the swap must not wait for it (lock order in package-info).
 */
final class LaneShutdown {

    private final AsyncLane lane;
    private final LaneCounters counters;
    private final LongAdder droppedClosed = new LongAdder();
    /**
     * Events this lane took after it ended and handed on to its successor: received by the
     * successor, not by this lane. Written under the late lock.
     */
    private volatile long handedOn;
    /** Whether the lane thread has taken its last look; guarded by the late lock. */
    private boolean lastLookTaken;
    private volatile long closeDeadline;
    /** Whether {@link #startClock} ran: the lane is closing. */
    private volatile boolean clockStarted;

    LaneShutdown(AsyncLane lane, LaneCounters counters) {
        this.lane = lane;
        this.counters = counters;
    }

    /** Starts the shutdown timeout: events still undelivered after it are dropped. Before the lane's state says closing. */
    void startClock(long timeoutNanos) {
        closeDeadline = System.nanoTime() + timeoutNanos;
        clockStarted = true;
    }

    /**
     * Whether the lane is closing and its shutdown timeout has run out: what it has not read by
     * then it will not deliver (an observer stuck in {@code onEvent}), so no producer may wait for it.
     */
    boolean overdue() {
        return clockStarted && System.nanoTime() - closeDeadline > 0;
    }

    /**
     * Counts an event that a closing lane can no longer deliver, and returns whether it did: one a
     * replacement holds when it is closed before a resume gave it an observer (asked per event: a
     * resume may still come), or one still undelivered past the shutdown deadline.
     */
    boolean droppedAtClose() {
        if (lane.observer == null) {
            droppedClosed.increment();
            return true;
        }
        if (System.nanoTime() - closeDeadline > 0) {
            counters.droppedShutdown.increment();
            return true;
        }
        return false;
    }

    /**
     * The lane thread's last look, once the lane has ended: takes what producers that had not yet
     * seen the end left in the queue and the rings, and delivers it (within the shutdown timeout,
     * as any event during a drain).
     */
    void deliverLastLook() {
        List<ModelMetricEvent> last = new ArrayList<>();
        synchronized (this) {
            long fromRings = sweep(last);
            counters.publishHeld(last.size()); // before the count taken from rings: see AsyncLane.stats()
            counters.takenFromRings.add(fromRings);
            lastLookTaken();
        }
        for (int i = 0; i < last.size(); i++) {
            if (!droppedAtClose()) {
                long before = System.nanoTime();
                long outcome = lane.call(last.get(i));
                counters.processingTime.record(System.nanoTime() - before, 1);
                if (outcome == Lane.DELIVERED) {
                    counters.delivered.increment();
                } else {
                    counters.failed.increment();
                }
            }
            counters.publishHeld(last.size() - i - 1);
        }
    }

    /**
     * Lets producers waiting in {@link #takeLate()} go on. The lane thread calls it once more as it
     * ends, in case its last look failed: only it sets the flag, so it may read it without the lock
     * first (it must not wait for the lock again: see the class comment).
     */
    void lastLookTaken() {
        synchronized (this) {
            lastLookTaken = true;
            notifyAll();
        }
    }

    /** The lane thread's check before {@link #lastLookTaken()} as it ends: whether it must still release producers. */
    boolean lastLookPending() {
        return !lastLookTaken; // only the lane thread writes it: no lock needed to read it there
    }

    /**
     * Takes what producers offered or published after the lane ended and took its last look: hands
     * it on to the successor, or counts it as dropped. Called by producers that saw the end; their
     * emit does not return before.
     */
    void takeLate() {
        boolean interrupted = false;
        synchronized (this) {
            // The last look goes first: it takes the events of producers that did not see the end,
            // and those producers do not come here; so every event taken here is from a producer
            // that waits for this lock before its next emit, which keeps its order.
            while (!lastLookTaken) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            List<ModelMetricEvent> late = new ArrayList<>();
            long fromRings = sweep(late);
            Lane next = lane.successor;
            if (next == null) {
                droppedClosed.add(late.size()); // received, and then dropped; before the count taken
            }
            counters.takenFromRings.add(fromRings);
            if (next != null) {
                handedOn += late.size(); // after the count taken: see AsyncLane.stats()
                for (ModelMetricEvent event : late) {
                    next.takeHandedOn(event);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Takes what the queue and the rings hold for the lane into {@code into}; returns how many came from rings. */
    private long sweep(List<ModelMetricEvent> into) {
        lane.queue().sweep(into);
        long fromRings = 0;
        for (RingReader reader : lane.readers().current()) {
            fromRings += reader.sweep(lane.filter, into);
        }
        return fromRings;
    }

    /** The events handed on to the successor after the lane ended. */
    long handedOn() {
        return handedOn;
    }

    long droppedClosed() {
        return droppedClosed.sum();
    }
}
