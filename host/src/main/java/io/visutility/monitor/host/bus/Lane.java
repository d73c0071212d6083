package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One registered observer and the way events reach it: {@link SyncLane} on the producer's thread,
 * {@link AsyncLane} through bounded buffers (producers' rings, its queue) and a thread of its own.
 *
 * <p>Thread-safe: producers hand it events concurrently.
 */
abstract sealed class Lane implements Registration permits SyncLane, AsyncLane {

    final String name;
    final EventFilter filter;
    /**
     * Replaced by {@link #resume} during a hot reload; null in a lane made by
     * {@link EventBus#replace} until its resume, and in an async lane once it has drained.
     */
    volatile Observer observer;
    final DispatchPolicy policy;
    final FailureTracker failures;
    private final EventBus bus;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The lane that replaced this one ({@link EventBus#replace}): takes what reaches this one after it drained. */
    volatile Lane successor;

    Lane(EventBus bus, String name, EventFilter filter, Observer observer, DispatchPolicy policy) {
        this.bus = bus;
        this.name = Objects.requireNonNull(name, "name");
        this.filter = Objects.requireNonNull(filter, "filter");
        this.observer = observer;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.failures = new FailureTracker(name, policy);
    }

    /**
     * Takes one event from a producer: the filter, then the lane's own way of delivering. (The
     * bus bypasses this for a quiet sync lane; see {@link EventBus#emit}.)
     *
     * @param cells    the producer's counting cells, null if the bus has no sync lane
     * @param deadline the source's {@link Deadline} for a wait under {@code block}
     */
    abstract Placement offer(ModelMetricEvent event, ProducerCounts.Cells cells, long deadline);

    /** Makes {@code next} the lane that takes what reaches this one after it drained; before the registry names it. */
    final void replacedBy(Lane next) {
        successor = next;
    }

    /**
     * Takes an event that reached the lane this one replaced after that lane had drained, as if it
     * had been emitted to this one (its filter applies). Called by a producer taking what came late
     * (its own events, or another's), before the producer of that event emits again.
     */
    abstract void takeHandedOn(ModelMetricEvent event);

    /** Delivers or drops what the lane holds; called once, after the lane left the bus. */
    abstract void drain();

    /** The bus this lane belongs to. */
    final EventBus bus() {
        return bus;
    }

    @Override
    public final String name() {
        return name;
    }

    /**
     * Unregisters the observer, then delivers what is queued (up to the shutdown timeout; the
     * rest is counted as dropped). When this returns, {@code onEvent} is not called again, except
     * by an emit that was already running. Idempotent.
     */
    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            bus.unregister(this);
            drain();
        }
    }

    /** Drains a lane the bus has already replaced; false if it was closed before. */
    final boolean closeReplaced() {
        if (closed.compareAndSet(false, true)) {
            drain();
            return true;
        }
        return false;
    }

    /**
     * Roughly how many events wait for the observer now: queued or held, and for an async lane also
     * those not yet read from producers' rings (before its filter). For progress reports.
     */
    abstract long waiting();

    /** Makes the next events wait in the lane; returns false if the call in progress did not end in time. */
    abstract boolean holdEvents();

    /** Sends the held events, and all later ones, to {@code next}; returns how many were held. */
    abstract int resumeWith(Observer next);

    @Override
    public final boolean hold() {
        return holdEvents();
    }

    @Override
    public final int resume(Observer next) {
        Objects.requireNonNull(next, "observer");
        failures.reset();
        return resumeWith(next);
    }

    /** Rethrows what no plugin can cause alone (out of memory, internal JVM errors); a stack overflow is the plugin's. */
    static void rethrowIfFatal(Throwable failure) {
        if (failure instanceof VirtualMachineError fatal && !(failure instanceof StackOverflowError)) {
            throw fatal;
        }
    }

    /** What {@link #call} returns when {@code onEvent} returned normally. */
    static final long DELIVERED = -1;

    /**
     * Calls the observer, telling the failure tracker how it went.
     *
     * @return {@link #DELIVERED}, or after a failure the pause the failure policy asks for in nanos (0: none)
     */
    final long call(ModelMetricEvent event) {
        try {
            observer.onEvent(event);
            failures.succeeded();
            return DELIVERED;
        } catch (Throwable failure) {
            rethrowIfFatal(failure);
            // A plugin's exception, linkage error or stack overflow stays with that plugin.
            return failures.failed(failure, System.nanoTime());
        }
    }
}
