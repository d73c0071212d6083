package io.visutility.monitor.host.status;

import java.time.Duration;

/**
 * The manifest's {@code status} block.
 *
 * @param resolveAfter how long, in event time, a model version stays in {@code drift} without
 *                     another drift verdict (default 24h)
 * @param maxModels    how many model versions the host keeps series and health for; the least
 *                     recently seen is evicted past it (default 10,000)
 */
public record StatusSpec(Duration resolveAfter, int maxModels) {

    /** The defaults, for a manifest without the block. */
    public static final StatusSpec DEFAULT = new StatusSpec(Duration.ofHours(24), 10_000);

    /** @throws IllegalArgumentException if a value is out of range */
    public StatusSpec {
        if (resolveAfter.isNegative() || resolveAfter.isZero()) {
            throw new IllegalArgumentException("resolve_after must be positive, got " + resolveAfter);
        }
        if (maxModels < 1) {
            throw new IllegalArgumentException("max_models must be at least 1, got " + maxModels);
        }
    }
}
