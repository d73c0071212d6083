package io.visutility.monitor.api;

import org.pf4j.ExtensionPoint;

/**
 * Decides from a stream of events whether a model version has drifted. Implementations live in
 * plugin jars, are annotated with PF4J's {@code @Extension} and with {@link ExtensionType}, and
 * have a public no-argument constructor.
 *
 * <p>A strategy is stateful and belongs to one (observer, model version) pair: the host creates a
 * fresh, configured instance each time an observer calls {@link ObserverContext#newStrategy()}.
 * Instances are not required to be thread-safe; the observer that owns one serializes its calls.
 */
public interface DriftStrategy extends ExtensionPoint {

    /**
     * Reads and validates this strategy's settings. Called once, before the first
     * {@link #evaluate}. Throw {@link Settings#invalid} for a bad value, so the message names the
     * manifest file and line.
     *
     * @param settings the {@code strategy.config} map of the manifest entry
     */
    default void configure(Settings settings) {
    }

    /**
     * Evaluates one event. Event kinds the strategy does not apply to yield
     * {@link Verdict.Level#STABLE}.
     *
     * @param event the event, never null
     * @return the verdict, never null
     */
    Verdict evaluate(ModelMetricEvent event);

    /** Forgets accumulated state, as after a retraining. */
    default void reset() {
    }
}
