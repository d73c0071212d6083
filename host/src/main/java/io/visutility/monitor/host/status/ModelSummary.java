package io.visutility.monitor.host.status;

import io.visutility.monitor.api.ModelVersion;
import java.time.Instant;

/**
 * A model version's health and last values, read at one moment. Immutable.
 *
 * @param model       the model version
 * @param health      the worst of its observers' health
 * @param events      events seen
 * @param lastEvent   the newest event time, or null if only verdicts were seen
 * @param latencyP95  latency p95 of its newest 10-second bucket that holds latencies (within the hour), in ms; NaN if none
 * @param lastDrift   the last accuracy drift; NaN if none
 * @param lastPValue  the last concept-drift p-value; NaN if none
 * @param score       the last detector score reported; NaN if none
 * @param lastTrigger when a detector last triggered, in event time; null if never
 */
public record ModelSummary(ModelVersion model, Health health, long events, Instant lastEvent, double latencyP95,
                           double lastDrift, double lastPValue, double score, Instant lastTrigger) {
}
