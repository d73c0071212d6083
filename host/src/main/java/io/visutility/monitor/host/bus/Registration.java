package io.visutility.monitor.host.bus;

/**
 * The handle {@link EventBus#register} returns. Closing it unregisters the observer; dropping it
 * does not (a registration lives until it is closed or the bus is discarded).
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public interface Registration extends AutoCloseable {

    /** The name the observer was registered under. */
    String name();

    /** What the observer has received so far. */
    ObserverStats stats();

    /** Unregisters the observer: once this returns, no emit that starts later reaches it. */
    @Override
    void close();
}
