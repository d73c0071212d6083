package io.visutility.monitor.host.bus;

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
     * Unregisters the observer, then delivers what its lane still holds, within the lane's
     * shutdown timeout; what cannot be delivered in time is counted as dropped
     * ({@link DropReason#SHUTDOWN}). When this returns the observer's {@code stop()} may be called.
     */
    @Override
    void close();
}
