package io.visutility.monitor.host.status;

import io.visutility.monitor.api.ModelVersion;
import java.time.Instant;

/**
 * One observer's health for one model version. Immutable.
 *
 * @param observer the observer's manifest name
 * @param strategy its strategy type ("" if none)
 * @param model    the model version
 * @param health   its health after the rules that end a drift
 * @param score    the last score it reported
 * @param reason   why it is in this health
 * @param at       the event time of its last verdict
 */
public record ObserverVerdict(String observer, String strategy, ModelVersion model, Health health, double score,
                              String reason, Instant at) {
}
