package io.visutility.monitor.api;

import java.util.Map;
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

    /**
     * The accumulated state, so that an observer can save it across a restart: a map of numbers
     * (non-finite ones as the strings {@code "Infinity"}, {@code "-Infinity"}, {@code "NaN"}),
     * strings, booleans and lists of them. Empty (the default) for a strategy that keeps none.
     */
    default Map<String, Object> saveState() {
        return Map.of();
    }

    /**
     * Takes back what {@link #saveState()} returned, on a configured instance. A number may come
     * back as any {@link Number} type or as a string.
     *
     * @throws IllegalArgumentException if the state does not fit this strategy
     */
    default void restoreState(Map<String, Object> state) {
    }
}
