package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;

/**
 * Decides whether an observer wants an event. Called on the producer's thread for every event,
 * so implementations must be thread-safe and should not allocate.
 */
@FunctionalInterface
public interface EventFilter {

    /** Accepts every event. */
    EventFilter ALL = event -> true;

    /** Returns whether the observer should receive {@code event}. */
    boolean accepts(ModelMetricEvent event);
}
