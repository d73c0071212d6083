package io.visutility.monitor.host.status;

import io.visutility.monitor.api.Settings;
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

    /**
     * Reads the block's settings ({@code resolve_after}, {@code max_models}).
     *
     * @throws IllegalArgumentException naming the file, line and key of a bad value
     */
    public static StatusSpec read(Settings status) {
        Duration resolveAfter = status.getDuration("resolve_after", DEFAULT.resolveAfter());
        if (resolveAfter.isZero() || resolveAfter.isNegative()) {
            throw status.invalid("resolve_after", "must be positive, got " + resolveAfter);
        }
        long maxModels = status.getLong("max_models", DEFAULT.maxModels());
        if (maxModels < 1 || maxModels > 10_000_000) {
            throw status.invalid("max_models", "must be from 1 to 10000000, got " + maxModels);
        }
        return new StatusSpec(resolveAfter, (int) maxModels);
    }

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
