package io.visutility.monitor.host.status;

import java.util.Arrays;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * One resolution of a model version's series: {@code size} buckets of {@code bucketMillis} of
 * event time, ending at the bucket of the newest event seen (not at the wall clock, so replayed
 * and late data shows). Per bucket: the number of latency events, latency p50, p95 and p99, the
 * last accuracy drift, the lowest p-value, the highest detector score, and whether a detector
 * triggered.
 *
 * <p>Values are kept as bfloat16 (the upper 16 bits of a {@code float}: about three significant
 * digits over a float's whole range), so that 24 hours of minutes fit in 20 KiB. The newest
 * bucket that has latencies counts them exactly, in an HdrHistogram, and turns them into
 * percentiles when a latency of a newer bucket comes; a latency that arrives after that adds to its
 * bucket's count only. Other events (and verdicts, which observers report from their own threads,
 * ahead of or behind the latencies) do not close it. Events older than the ring are ignored.
 *
 * <p>Not thread-safe: its {@link ModelSeries} guards it.
 */
final class SeriesRing {

    static final int COUNT = 0;
    static final int P50 = 1;
    static final int P95 = 2;
    static final int P99 = 3;
    static final int DRIFT = 4;
    static final int P_VALUE = 5;
    static final int SCORE = 6;
    static final int FIELDS = 7;
    /** bfloat16 NaN: no value in this bucket. */
    private static final short EMPTY = (short) 0x7FC0;

    private final long bucketMillis;
    private final int size;
    private final short[] values;
    private final long[] triggers;
    /** The bucket number (event time / bucketMillis) of the newest slot; Long.MIN_VALUE before the first event. */
    private long head = Long.MIN_VALUE;
    /** The bucket whose latencies {@link #openLatency} counts; Long.MIN_VALUE before the first latency. */
    private long latencyBucket = Long.MIN_VALUE;
    private int openCount;
    private AbstractHistogram openLatency;

    SeriesRing(long bucketMillis, int size) {
        this.bucketMillis = bucketMillis;
        this.size = size;
        this.values = new short[size * FIELDS];
        this.triggers = new long[(size + 63) / 64];
        Arrays.fill(values, EMPTY);
    }

    /** The slot of the event at {@code millis}, after moving the window up to it; -1 if it is older than the ring. */
    private int slot(long millis) {
        long bucket = Math.floorDiv(millis, bucketMillis);
        if (head == Long.MIN_VALUE) {
            head = bucket;
        } else if (bucket > head) {
            long from = Math.max(head + 1, bucket - size + 1);
            for (long b = from; b <= bucket; b++) {
                clear(index(b));
            }
            head = bucket;
        } else if (bucket <= head - size) {
            return -1;
        }
        return index(bucket);
    }

    private int index(long bucket) {
        return (int) Math.floorMod(bucket, (long) size);
    }

    /** Writes the open latency bucket's count and percentiles into its slot (if still in the window) and starts afresh. */
    private void closeLatency() {
        int at = index(latencyBucket) * FIELDS;
        if (openCount > 0 && latencyBucket > head - size) {
            values[at + COUNT] = encode(openCount);
            values[at + P50] = encode(openLatency.getValueAtPercentile(50));
            values[at + P95] = encode(openLatency.getValueAtPercentile(95));
            values[at + P99] = encode(openLatency.getValueAtPercentile(99));
        }
        if (openLatency != null) {
            openLatency.reset();
        }
        openCount = 0;
    }

    private void clear(int index) {
        Arrays.fill(values, index * FIELDS, (index + 1) * FIELDS, EMPTY);
        triggers[index >>> 6] &= ~(1L << index);
    }

    void latency(long millis, long latencyMs) {
        int index = slot(millis);
        if (index < 0) {
            return;
        }
        long bucket = Math.floorDiv(millis, bucketMillis);
        if (bucket > latencyBucket) {
            if (latencyBucket != Long.MIN_VALUE) {
                closeLatency();
            }
            latencyBucket = bucket;
        }
        if (bucket == latencyBucket) {
            if (openLatency == null) {
                openLatency = new IntCountsHistogram(2);
            }
            openLatency.recordValue(latencyMs);
            openCount++;
        } else {
            int at = index * FIELDS + COUNT;
            values[at] = encode(value(at, 0) + 1);
        }
    }

    void drift(long millis, double drift) {
        int index = slot(millis);
        if (index >= 0) {
            values[index * FIELDS + DRIFT] = encode(drift);
        }
    }

    void pValue(long millis, double pValue) {
        int index = slot(millis);
        if (index >= 0) {
            int at = index * FIELDS + P_VALUE;
            values[at] = encode(Math.min(value(at, Double.POSITIVE_INFINITY), pValue));
        }
    }

    void score(long millis, double score, boolean triggered) {
        int index = slot(millis);
        if (index < 0) {
            return;
        }
        if (!Double.isNaN(score)) {
            int at = index * FIELDS + SCORE;
            values[at] = encode(Math.max(value(at, Double.NEGATIVE_INFINITY), score));
        }
        if (triggered) {
            triggers[index >>> 6] |= 1L << index;
        }
    }

    /** The slot's value, or {@code none} if it has none. */
    private double value(int at, double none) {
        short v = values[at];
        return v == EMPTY ? none : decode(v);
    }

    /** The buckets from the first that holds anything to the newest. */
    SeriesData data() {
        if (head == Long.MIN_VALUE) {
            return SeriesData.EMPTY;
        }
        long first = head - size + 1;
        while (first < head && empty(first)) {
            first++;
        }
        int n = (int) (head - first + 1);
        long[] times = new long[n];
        double[][] columns = new double[FIELDS][n];
        boolean[] triggered = new boolean[n];
        for (int i = 0; i < n; i++) {
            long bucket = first + i;
            int index = index(bucket);
            times[i] = bucket * bucketMillis;
            for (int field = 0; field < FIELDS; field++) {
                columns[field][i] = value(index * FIELDS + field, Double.NaN);
            }
            triggered[i] = (triggers[index >>> 6] & (1L << index)) != 0;
        }
        if (openCount > 0 && latencyBucket >= first) {
            int i = (int) (latencyBucket - first);
            columns[COUNT][i] = openCount;
            columns[P50][i] = openLatency.getValueAtPercentile(50);
            columns[P95][i] = openLatency.getValueAtPercentile(95);
            columns[P99][i] = openLatency.getValueAtPercentile(99);
        }
        return new SeriesData(bucketMillis, times, columns, triggered);
    }

    /** The latency p95 of the newest bucket that holds latencies, or NaN if none does. */
    double latestP95() {
        if (openCount > 0 && latencyBucket > head - size) {
            return openLatency.getValueAtPercentile(95);
        }
        if (head == Long.MIN_VALUE) {
            return Double.NaN;
        }
        for (long bucket = head; bucket > head - size; bucket--) {
            double p95 = value(index(bucket) * FIELDS + P95, Double.NaN);
            if (!Double.isNaN(p95)) {
                return p95;
            }
        }
        return Double.NaN;
    }

    private boolean empty(long bucket) {
        int index = index(bucket);
        for (int field = 0; field < FIELDS; field++) {
            if (values[index * FIELDS + field] != EMPTY) {
                return false;
            }
        }
        return (triggers[index >>> 6] & (1L << index)) == 0 && !(bucket == latencyBucket && openCount > 0);
    }

    /** What it holds, in bytes, about: its arrays and its histogram. */
    long bytes() {
        return 16L + 16 + values.length * 2L + 16 + triggers.length * 8L + 48
                + (openLatency == null ? 0 : openLatency.getEstimatedFootprintInBytes());
    }

    /** bfloat16: the float's upper 16 bits, rounded to nearest even. */
    static short encode(double value) {
        if (Double.isNaN(value)) {
            return EMPTY;
        }
        int bits = Float.floatToRawIntBits((float) value);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    static double decode(short value) {
        return Float.intBitsToFloat((value & 0xFFFF) << 16);
    }
}
