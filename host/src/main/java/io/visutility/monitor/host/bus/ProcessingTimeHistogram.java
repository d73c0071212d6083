package io.visutility.monitor.host.bus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Records how long a lane's {@code onEvent} calls take: one call at a time for slow calls, or a
 * batch at a time for fast ones, where the lane reads the clock around the batch and counts each
 * call at the batch's average (a clock read per call would cost more than such calls do).
 *
 * <p>Thread-safety: {@link #record} must be called by one thread at a time (the lane thread);
 * {@link #snapshot} is safe from any thread and may see a record half applied (its count without
 * its time), which a scrape tolerates.
 */
final class ProcessingTimeHistogram {

    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SUM;

    static {
        try {
            SUM = MethodHandles.lookup().findVarHandle(ProcessingTimeHistogram.class, "sumNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final long[] BOUNDS_NANOS = ProcessingTime.UPPER_BOUNDS_SECONDS.stream()
            .mapToLong(seconds -> Math.round(seconds * 1e9)).toArray();

    private final long[] counts = new long[BOUNDS_NANOS.length + 1];
    @SuppressWarnings("unused") // accessed through SUM
    private long sumNanos;

    /** Counts {@code calls} calls that took {@code nanos} together, each at their average. */
    void record(long nanos, int calls) {
        int bucket = bucketOf(nanos / calls);
        COUNTS.setRelease(counts, bucket, (long) COUNTS.get(counts, bucket) + calls);
        SUM.setRelease(this, (long) SUM.get(this) + nanos);
    }

    /** The bucket of a call that took {@code nanos}: the first whose upper bound it does not pass. */
    static int bucketOf(long nanos) {
        int bucket = 0;
        while (bucket < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[bucket]) {
            bucket++;
        }
        return bucket;
    }

    ProcessingTime snapshot() {
        List<Long> copy = new ArrayList<>(counts.length);
        for (int i = 0; i < counts.length; i++) {
            copy.add((long) COUNTS.getAcquire(counts, i));
        }
        return new ProcessingTime(copy, (long) SUM.getAcquire(this));
    }
}
