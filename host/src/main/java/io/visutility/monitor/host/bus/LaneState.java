package io.visutility.monitor.host.bus;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lifecycle of an {@link AsyncLane}: one int, moved only by the transitions below.
 *
 * <pre>
 *   AWAITING_OBSERVER --resume--&gt; RUNNING            (a lane made by EventBus.replace)
 *   RUNNING --hold--&gt; HOLD_REQUESTED --lane thread--&gt; HELD --resume--&gt; RUNNING
 *   HOLD_REQUESTED --resume--&gt; RUNNING                 (a hold that timed out)
 *   AWAITING_OBSERVER, RUNNING, HOLD_REQUESTED, HELD --drain--&gt; CLOSING
 *   any --lane thread--&gt; ENDED --lane thread--&gt; DRAINED
 * </pre>
 *
 * A lane closed before any resume has no observer: what it holds is counted as closed (see
 * {@link LaneShutdown#droppedAtClose()}).
 *
 * Hold, resume and drain move the state by compare-and-set from the states they name, so none of
 * them can undo ENDED; only the lane thread ends the lane.
 *
 * <p>Thread-safe.
 */
final class LaneState {

    /** Made by a replace: holds what it takes until a resume gives it its observer. */
    static final int AWAITING_OBSERVER = 0;
    static final int RUNNING = 1;
    /** A hold asked the lane thread to stop between two calls. */
    static final int HOLD_REQUESTED = 2;
    /** The lane thread is parked between two calls: no call of the observer is running. */
    static final int HELD = 3;
    /** Closed: the lane thread delivers what it holds, then ends. */
    static final int CLOSING = 4;
    /** The lane thread has ended (the "terminated" of the handshakes): producers take what comes late. */
    static final int ENDED = 5;
    /** The lane thread has delivered its last look: nothing of the lane calls its observer again. */
    static final int DRAINED = 6;

    private final AtomicInteger state;

    LaneState(int initial) {
        state = new AtomicInteger(initial);
    }

    int get() {
        return state.get();
    }

    /** Whether a hold keeps the lane thread from delivering (and closing does not override it). */
    static boolean holds(int state) {
        return state == AWAITING_OBSERVER || state == HOLD_REQUESTED || state == HELD;
    }

    static boolean closing(int state) {
        return state >= CLOSING;
    }

    boolean closing() {
        return closing(state.get());
    }

    boolean ended() {
        return state.get() >= ENDED;
    }

    /** RUNNING to HOLD_REQUESTED (a lane that is not running keeps its state: held already, or closing). */
    void requestHold() {
        state.compareAndSet(RUNNING, HOLD_REQUESTED);
    }

    /** The lane thread's acknowledgement of a hold; false if the hold is over already (resumed, or closing). */
    boolean acknowledgeHold() {
        return state.compareAndSet(HOLD_REQUESTED, HELD);
    }

    /** Back to RUNNING from any hold; a lane that is closing stays closing. */
    void resume() {
        while (true) {
            int now = state.get();
            if (!holds(now) || state.compareAndSet(now, RUNNING)) {
                return;
            }
        }
    }

    /** To CLOSING, unless the lane is closing or ended already. */
    void close() {
        while (true) {
            int now = state.get();
            if (closing(now)) {
                return;
            }
            if (state.compareAndSet(now, CLOSING)) {
                return;
            }
        }
    }

    /** By the lane thread only, as it stops delivering. */
    void end() {
        state.set(ENDED);
    }

    /** By the lane thread only, once its last look is delivered. */
    void drained() {
        state.set(DRAINED);
    }
}
