package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;

/**
 * Decides whether an observer wants an event. Called for every event, on the producer's thread or
 * the observer's lane thread, and may be called more than once for one event (a lane that falls
 * behind has its unread events filtered again as they move to its queue). So implementations must
 * be thread-safe, must give the same answer for the same event, should not allocate, and must not
 * emit.
 */
@FunctionalInterface
public interface EventFilter {

    /** Accepts every event. */
    EventFilter ALL = event -> true;

    /** Returns whether the observer should receive {@code event}. */
    boolean accepts(ModelMetricEvent event);
}
