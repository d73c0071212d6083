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
    void aSnapshotHoldsEachCallInItsOwnBucketAndTheirSum() {
        ProcessingTimeHistogram histogram = new ProcessingTimeHistogram();
        histogram.record(500);
        histogram.record(2_000_000_000L); // one slow call stays visible as itself
        histogram.record(700);

        List<Long> expected = new ArrayList<>(Collections.nCopies(ProcessingTime.UPPER_BOUNDS_SECONDS.size() + 1, 0L));
        expected.set(0, 2L);
        expected.set(13, 1L);
        assertThat(histogram.snapshot()).isEqualTo(new ProcessingTime(expected, 2_000_001_200L));
    }
}
