package io.visutility.monitor.host.bus;

import java.util.Collections;
import java.util.List;

/**
 * How long an observer's {@code onEvent} calls took, as a histogram read at one moment.
 *
 * @param counts   calls per bucket: {@code counts.get(i)} took at most {@link #UPPER_BOUNDS_SECONDS}
 *                 {@code [i]} and more than the bound before it; the last entry counts the rest
 * @param sumNanos the time all counted calls took together
 */
public record ProcessingTime(List<Long> counts, long sumNanos) {

    /** Bucket upper bounds, 1 µs to 5 s; a last bucket takes what is slower. */
    public static final List<Double> UPPER_BOUNDS_SECONDS = List.of(1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3,
            5e-3, 1e-2, 5e-2, 0.1, 0.5, 1.0, 5.0);

    /** No call timed: what a sync lane reports (timing it would cost its producers a clock read per event). */
    public static final ProcessingTime NONE = new ProcessingTime(
            Collections.nCopies(UPPER_BOUNDS_SECONDS.size() + 1, 0L), 0);

    public ProcessingTime {
        counts = List.copyOf(counts);
        if (counts.size() != UPPER_BOUNDS_SECONDS.size() + 1) {
            throw new IllegalArgumentException("counts needs one entry per bucket and one for the rest");
        }
    }
}
