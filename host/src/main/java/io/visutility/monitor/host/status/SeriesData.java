package io.visutility.monitor.host.status;

import java.util.List;

/**
 * One resolution of a model version's series, read at one moment: column arrays of equal length,
 * oldest first, NaN where a bucket holds no value. Effectively immutable once returned.
 *
 * @param bucketMillis the width of a bucket
 * @param times        each bucket's start, in epoch milliseconds of event time
 * @param columns      per {@link SeriesRing} field (count, p50, p95, p99, drift, p-value, score), one value per bucket
 * @param triggered    whether a detector triggered in each bucket
 */
public record SeriesData(long bucketMillis, long[] times, double[][] columns, boolean[] triggered) {

    /** The columns' names, in order: what {@code GET /v1/series} calls them. */
    public static final List<String> COLUMNS = List.of("count", "p50", "p95", "p99", "drift", "p_value", "score");

    static final SeriesData EMPTY = new SeriesData(0, new long[0], new double[SeriesRing.FIELDS][0], new boolean[0]);
}
