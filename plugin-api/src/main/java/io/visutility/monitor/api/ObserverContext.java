package io.visutility.monitor.api;

import java.time.Instant;
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

    /**
     * Tells the host what this observer's drift strategy concluded about a model version, so
     * that the host can keep the model's health ({@code ok}, {@code warning}, {@code drift}), plot
     * the score and alert on it. Call it for each verdict (STABLE ones too: a STABLE verdict
     * clears a warning). The host keeps the health across hot reloads; the observer keeps no
     * copy of it for the host. Thread-safe; cheap enough to call for every event. The default,
     * for contexts made in plugin tests, does nothing.
     *
     * @param model     the model version the verdict is about
     * @param at        the event time of the event that led to it
     * @param verdict   the verdict
     * @param triggered whether the observer acted on it (a retraining trigger fired), for the
     *                  trigger markers of the status page
     * @since 0.2.0
     */
    default void reportVerdict(ModelVersion model, Instant at, Verdict verdict, boolean triggered) {
    }
}
