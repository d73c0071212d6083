package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.Observer;

/**
 * The handle {@link EventBus#register} returns. Closing it unregisters the observer and drains
 * its lane; dropping it does not unregister (a registration lives until it is closed).
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public interface Registration extends AutoCloseable {

    /** The name the observer was registered under. */
    String name();

    /** What the observer has received so far. */
    ObserverStats stats();

    /**
     * Stops handing events to the observer and keeps the next ones in the lane (up to its
     * capacity; past that the overflow policy applies), so that the observer can be swapped
     * without losing an event. Waits for a call in progress to end, at most the shutdown timeout.
     *
     * @return false if a call in progress did not end in time (the observer is then still in it)
     */
    boolean hold();

    /**
     * Hands the held events, then all later ones, to {@code observer} in place of the old one.
     *
     * @return how many events were held
     */
    int resume(Observer observer);

    /**
     * Unregisters the observer, then delivers what its lane still holds, within the lane's
     * shutdown timeout; what cannot be delivered in time is counted as dropped
     * ({@link DropReason#SHUTDOWN}). When this returns the observer's {@code stop()} may be called.
     */
    @Override
    void close();
}
