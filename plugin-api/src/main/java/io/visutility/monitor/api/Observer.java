package io.visutility.monitor.api;

import org.pf4j.ExtensionPoint;

/**
 * Receives the events the host's bus delivers. Implementations live in plugin jars, are annotated
 * with PF4J's {@code @Extension} and with {@link ExtensionType}, and have a public no-argument
 * constructor. The host makes one instance per enabled manifest entry.
 *
 * <p>Life cycle: {@link #start} once, then {@link #onEvent} for each event that passes the
 * entry's filters, then {@link #stop} once. {@code onEvent} may be called from several producer
 * threads at once, so an implementation that keeps mutable state must be thread-safe. An
 * exception thrown by {@code onEvent} is counted and logged by the host; it never reaches other
 * observers or the producer.
 */
public interface Observer extends ExtensionPoint {

    /**
     * Prepares the observer. Read and validate settings here, so that a bad value fails when the
     * host starts rather than at the first event.
     *
     * @param ctx this instance's name, settings, strategy factory and logger
     * @throws Exception if the observer cannot run; the host reports it with the manifest entry
     */
    default void start(ObserverContext ctx) throws Exception {
    }

    /**
     * Handles one event.
     *
     * @param event the event, never null
     * @throws Exception counted as a failure of this observer alone
     */
    void onEvent(ModelMetricEvent event) throws Exception;

    /**
     * Releases what {@link #start} acquired. Called once, after the last {@link #onEvent}.
     *
     * @throws Exception logged by the host
     */
    default void stop() throws Exception {
    }
}
