package io.visutility.monitor.host.bus;

/**
 * How long a source lets one emit wait for room: a {@link System#nanoTime()} value, or
 * {@link #NONE} for as long as it takes. The source owns it ({@link EventBus#emit} waits without
 * one, {@link EventBus#offer} with one); a lane's own {@code block_timeout}, when set, may end a
 * wait sooner, and then the lane drops the event instead.
 */
final class Deadline {

    /** No deadline: wait until there is room. */
    static final long NONE = Long.MIN_VALUE;

    private Deadline() {
    }

    /** The deadline {@code nanos} from now. */
    static long after(long nanos) {
        long deadline = System.nanoTime() + Math.max(0, nanos);
        return deadline == NONE ? deadline + 1 : deadline;
    }

    /** Whether {@code deadline} has passed at {@code now}. */
    static boolean passed(long deadline, long now) {
        return deadline != NONE && now - deadline >= 0;
    }
}
