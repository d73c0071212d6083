package io.visutility.monitor.host.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessingTimeHistogramTest {

    @Test
    void aCallCountsInTheFirstBucketWhoseBoundItDoesNotPass() {
        assertThat(ProcessingTimeHistogram.bucketOf(0)).isZero();
        assertThat(ProcessingTimeHistogram.bucketOf(1_000)).isZero(); // 1 µs: at the first bound
        assertThat(ProcessingTimeHistogram.bucketOf(1_001)).isEqualTo(1);
        assertThat(ProcessingTimeHistogram.bucketOf(1_000_000)).isEqualTo(6); // 1 ms
        assertThat(ProcessingTimeHistogram.bucketOf(5_000_000_000L)).isEqualTo(13); // 5 s, the last bound
        assertThat(ProcessingTimeHistogram.bucketOf(5_000_000_001L)).isEqualTo(14); // slower than every bound
    }

    @Test
    void aSnapshotCountsEachBatchsCallsInTheBucketOfTheirAverageAndKeepsTheSum() {
        ProcessingTimeHistogram histogram = new ProcessingTimeHistogram();
        histogram.record(500, 1);
        histogram.record(2_000_000_000L, 1); // one slow call alone stays visible as itself
        histogram.record(12_000, 4); // four calls of 3 µs on average

        List<Long> expected = new ArrayList<>(Collections.nCopies(ProcessingTime.UPPER_BOUNDS_SECONDS.size() + 1, 0L));
        expected.set(0, 1L);
        expected.set(1, 4L);
        expected.set(13, 1L);
        assertThat(histogram.snapshot()).isEqualTo(new ProcessingTime(expected, 2_000_012_500L));
    }
}
