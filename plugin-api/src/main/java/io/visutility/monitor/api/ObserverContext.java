package io.visutility.monitor.api;

import org.slf4j.Logger;

/**
 * What the host gives an {@link Observer} instance at {@link Observer#start}. Implemented by the
 * host; safe to keep and to use from any thread for the life of the observer.
 */
public interface ObserverContext {

    /** The instance name from the manifest ({@code observers[].name}). */
    String name();

    /** The entry's {@code config} map; empty if the manifest gives none. */
    Settings settings();

    /**
     * Creates a new, configured instance of the strategy the manifest entry names in
     * {@code strategy}. Call it once per model version: strategies are stateful.
     *
     * @throws IllegalStateException naming the observer and manifest line if the entry
     *                               configures no strategy
     */
    DriftStrategy newStrategy();

    /**
     * The type name of the strategy the manifest entry configures (its {@code strategy.type}), for
     * log lines; empty if it configures none. The default suits contexts made in plugin tests.
     */
    default String strategyType() {
        return "";
    }

    /** A logger named after this instance ({@code observer.<name>}). */
    Logger logger();

    /**
     * Where this observer publishes its own metrics: the host's registry, served on
     * {@code GET /metrics}. The default, for contexts made in plugin tests, is {@link Metrics#NONE}.
     */
    default Metrics metrics() {
        return Metrics.NONE;
    }
}
