package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * An async lane's consumer loop: takes a batch from its queue or from one producer's ring, taking
 * turns, and delivers it to the observer; idles through the lane's {@link IdleStrategy} when there
 * is nothing; parks while held; ends when the lane is closing and nothing is left, or hands over to
 * a new lane thread when a resume gave the lane another observer.
 *
 * <p>Thread-safety: run by the lane thread only (one at a time: a thread that hands over starts
 * the next one and returns). The batch's state moves with it.
 */
final class DeliveryLoop {

    private static final int BATCH = 256;
    static final long TIME_EACH_CALL_ABOVE_NANOS = 1_000;
    /** Every how many batches a busy lane looks for rings of producer threads that have ended. */
    private static final int LOOK_FOR_ENDED_RINGS = 4096;

    private final AsyncLane lane;
    private final LaneState state;
    private final LaneQueue queue;
    private final LaneReaders readers;
    private final LaneCounters counters;
    private final IdleStrategy idle;
    private final LaneShutdown shutdown;

    /** The events taken and not yet delivered (a hold may stop a batch midway): {@code [start, end)}. */
    private final ModelMetricEvent[] events = new ModelMetricEvent[BATCH];
    private int start;
    private int end;
    /** Which source the next batch comes from: 0 the queue, i reader i - 1. */
    private int source;
    /** Batches taken, for {@link #LOOK_FOR_ENDED_RINGS}. */
    private long takes;
    /** Whether the next batch times each call (see {@link #deliverPending}). */
    private boolean timeEachCall = true;

    DeliveryLoop(AsyncLane lane, LaneQueue queue, LaneReaders readers, LaneCounters counters, IdleStrategy idle,
                 LaneShutdown shutdown) {
        this.lane = lane;
        this.state = lane.state();
        this.queue = queue;
        this.readers = readers;
        this.counters = counters;
        this.idle = idle;
        this.shutdown = shutdown;
    }

    /**
     * Delivers until the lane is closing and nothing is left (returns false), or until the lane was
     * resumed after this thread started, its count of resumes past {@code startedAfter} (returns
     * true: the caller hands over to a new thread, so thread locals the old observer left on this
     * one go with it).
     */
    boolean deliverUntilClosedOrRenewed(long startedAfter) {
        int idleLooks = 0;
        while (true) {
            int now = state.get();
            if (LaneState.holds(now)) {
                waitWhileHeld();
                continue;
            }
            if (lane.resumes() != startedAfter) {
                return true;
            }
            int taken = deliverBatch();
            if (taken > 0) {
                idleLooks = 0;
                idle.working();
            } else if (state.closing() && lane.nothingLeft()) {
                return false;
            } else {
                idleLooks = idle.idle(idleLooks);
            }
        }
    }

    /** Parks the lane thread while a hold lasts ("hold acknowledgement"): HELD tells the hold that no call is running. */
    private void waitWhileHeld() {
        int now;
        while (LaneState.holds(now = state.get())) {
            // Acknowledge every hold, also one that came while this thread was already parked here
            // (a resume it had not seen yet, then a new hold): no call is running.
            if (now == LaneState.HOLD_REQUESTED && state.acknowledgeHold()) {
                continue;
            }
            LockSupport.park(lane);
        }
    }

    /** Whether the batch is delivered. */
    boolean isEmpty() {
        return start == end;
    }

    /** Delivers what a hold left pending, or else the next batch from the next source. Returns the events handled. */
    int deliverBatch() {
        if (isEmpty()) {
            int taken = takeNext();
            if (taken == 0) {
                return 0;
            }
            if (isEmpty()) {
                return taken; // the filter took none of them
            }
        }
        return deliverPending();
    }

    private void startBatch(int count) {
        start = 0;
        end = count;
        counters.publishHeld(count);
    }

    /** Fills the batch from the queue or from one ring, taking turns. Returns the events taken. */
    private int takeNext() {
        if (++takes % LOOK_FOR_ENDED_RINGS == 0) {
            readers.letEndedRingsGo(lane.bus()); // under steady traffic too, not only when idle
        }
        RingReader[] current = readers.current();
        for (int tried = 0; tried <= current.length; tried++) {
            int from = source > current.length ? 0 : source; // readers may have left
            source = from == current.length ? 0 : from + 1;
            int taken = from == 0 ? takeFromQueue() : takeFromRing(current[from - 1]);
            if (taken > 0) {
                return taken;
            }
        }
        return 0;
    }

    private int takeFromQueue() {
        int taken = queue.drainTo(events, BATCH);
        startBatch(taken);
        return taken;
    }

    /**
     * Takes up to a batch from one ring: copies out the events the filter accepts, then claims the
     * batch with one compare-and-set of the position ("detach vs batch claim"); if the producer
     * detached the lane first, the copies are dropped (the producer moved the events into the
     * queue). Copying before claiming is what makes this safe: once the lane no longer holds the
     * position, the producer may reuse those slots at any time.
     */
    private int takeFromRing(RingReader reader) {
        long position = reader.readablePosition(queue, counters.reattached);
        if (position == RingReader.DETACHED) {
            return 0;
        }
        long last = reader.last();
        if (last < position) {
            return 0;
        }
        // At most `limit`: so a lane stuck in onEvent holds no more taken events than it may trail by.
        int taken = (int) Math.min(Math.min(BATCH, reader.limit()), last - position + 1);
        int accepted = reader.copy(position, position + taken, lane.filter, events, 0);
        if (!reader.claim(position, position + taken)) {
            Arrays.fill(events, 0, accepted, null);
            return 0;
        }
        startBatch(accepted); // before the count of what was taken: see AsyncLane.stats()
        counters.takenFromRings.add(accepted);
        return taken;
    }

    /**
     * Delivers the batch until it is empty or a hold is requested.
     *
     * <p>Calls are timed one by one while they take {@value #TIME_EACH_CALL_ABOVE_NANOS} ns or more
     * on average; below that a clock read would cost about as much as the call, so the lane reads
     * the clock once per batch and counts each call at the batch's average. A lane starts timing
     * each call, and switches after each batch by that batch's average. The counters are published
     * after each slow call, failure, shutdown drop and batch: the delivered count, then what is left.
     */
    private int deliverPending() {
        boolean eachCall = timeEachCall;
        int first = start;
        int handled = 0;
        int timed = 0;
        long delivered = 0;
        long begin = System.nanoTime();
        long before = begin;
        int now;
        while (start < end && !LaneState.holds(now = state.get())) {
            ModelMetricEvent event = events[start++];
            handled++;
            if (LaneState.closing(now) && shutdown.droppedAtClose()) {
                counters.delivered.add(delivered);
                delivered = 0;
                counters.publishHeld(end - start);
                continue;
            }
            if (lane.failures.isPaused()) {
                // A paused observer's events are dropped, not kept: under `block` they would hold
                // every producer, and with them the other observers, for the whole pause.
                counters.droppedPaused.increment();
                counters.delivered.add(delivered);
                delivered = 0;
                counters.publishHeld(end - start);
                continue;
            }
            long outcome = lane.call(event);
            if (eachCall) {
                long after = System.nanoTime();
                counters.processingTime.record(after - before, 1);
                before = after;
            } else {
                timed++;
            }
            if (outcome == Lane.DELIVERED) {
                delivered++;
            } else {
                counters.failed.increment();
            }
            if (eachCall || outcome != Lane.DELIVERED) {
                counters.delivered.add(delivered);
                delivered = 0;
                counters.publishHeld(end - start);
            }
        }
        Arrays.fill(events, first, start, null); // let the delivered events go
        long finish = timed > 0 || handled > 0 ? System.nanoTime() : begin;
        if (timed > 0) {
            counters.processingTime.record(finish - before, timed);
        }
        if (handled > 0) {
            timeEachCall = (finish - begin) / handled >= TIME_EACH_CALL_ABOVE_NANOS;
        }
        counters.delivered.add(delivered);
        counters.publishHeld(end - start);
        return handled;
    }
}
