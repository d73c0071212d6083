package io.visutility.monitor.plugins.drift;

import static io.visutility.monitor.plugins.drift.Streams.configured;
import static io.visutility.monitor.plugins.drift.Streams.detections;
import static org.assertj.core.api.Assertions.assertThat;

import io.visutility.monitor.api.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Detection indices on River's own example streams, as River prints or asserts them. The streams
 * are in {@code src/test/resources/river/}, one value per line, generated with Python's standard
 * {@code random} module (docstring examples) or numpy's legacy generator (River's test streams)
 * exactly as River's code builds them:
 * <ul>
 *   <li>{@code pagehinkley_docstring_stream.txt}: {@code rng = random.Random(12345);
 *   rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)} (the PageHinkley and ADWIN
 *   docstrings);</li>
 *   <li>{@code cusum_docstring_stream.txt}: {@code Random(12345)}, 200 {@code gauss(0, 1)} then
 *   200 {@code gauss(3, 1)};</li>
 *   <li>{@code ewma_docstring_stream.txt}: {@code Random(12345)}, {@code gauss(0, 1)} for i < 1000,
 *   then {@code gauss(3, 1)}, 2000 values;</li>
 *   <li>{@code test_data_stream_1_numpy.txt}: {@code np.random.seed(12345)}, {@code randint(2,
 *   size=1000)} then {@code randint(8, size=1000)};</li>
 *   <li>{@code test_data_stream_3_numpy.txt}: {@code np.random.seed(12345)}, the booleans
 *   {@code normal(0, 0.1, 500) > 0}, {@code normal(0.25, 0.1, 500) > 0}, and the same two again;</li>
 *   <li>{@code adwin_regression_multi_seed42.txt}: {@code Random(42)}, the two {@code choices}
 *   calls of the docstring, twice (4000 values).</li>
 * </ul>
 */
class RiverReferenceTest {

    static double[] stream(String name) {
        try (InputStream in = RiverReferenceTest.class.getResourceAsStream("/river/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().mapToDouble(Double::parseDouble)
                    .toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void pageHinkleyDocstringExample() {
        // River: "Change detected at index 1006, input value: 5"
        assertThat(detections(configured(PageHinkleyDetector::new, Map.of()),
                stream("pagehinkley_docstring_stream.txt"))).containsExactly(1006);
    }

    @Test
    void pageHinkleyModesOnRiversTestStream() {
        double[] stream = stream("test_data_stream_3_numpy.txt");
        assertThat(detections(configured(PageHinkleyDetector::new, Map.of("mode", "up")), stream))
                .containsExactly(588, 1681);
        assertThat(detections(configured(PageHinkleyDetector::new, Map.of("mode", "down")), stream))
                .containsExactly(1172);
        assertThat(detections(configured(PageHinkleyDetector::new, Map.of("mode", "both")), stream))
                .containsExactly(588, 1097, 1585);
    }

    @Test
    void adwinDocstringExample() {
        // River: "Change detected at index 1023, input value: 4"
        assertThat(detections(configured(AdwinDetector::new, Map.of()), stream("pagehinkley_docstring_stream.txt")))
                .containsExactly(1023);
    }

    @Test
    void adwinOnRiversTestStreams() {
        assertThat(detections(configured(AdwinDetector::new, Map.of()), stream("test_data_stream_1_numpy.txt")))
                .containsExactly(1023);
        assertThat(detections(configured(AdwinDetector::new, Map.of()), stream("adwin_regression_multi_seed42.txt")))
                .containsExactly(1023, 2015, 3007);
    }

    @Test
    void cusumDocstringExample() {
        // River: drift at 201 and 251 (after the first drift, a fresh 30-value warm-up)
        assertThat(detections(configured(CusumDetector::new, Map.of()), stream("cusum_docstring_stream.txt")))
                .containsExactly(201, 251);
    }

    @Test
    void ewmaDocstringExample() {
        // River: EWMA(alpha=0.1, threshold=4, min_instances=50) prints 1010
        assertThat(detections(configured(EwmaDetector::new, Map.of("alpha", 0.1, "threshold", 4, "min_instances", 50)),
                stream("ewma_docstring_stream.txt"))).first().isEqualTo(1010);
    }

    @Test
    void adwinMemoryStaysLogarithmicOverTenMillionStableValues() {
        AdwinDetector adwin = configured(AdwinDetector::new, Map.of());
        Random random = new Random(1);
        int drifts = 0;
        for (int i = 0; i < 10_000_000; i++) {
            if (adwin.update(random.nextInt(2)).level() == Verdict.Level.DRIFT) {
                drifts++;
                adwin.reset();
            }
        }
        // 10 million values in buckets of 2^row: at most about log2(1e7 / 5) + 1 = 22 rows
        assertThat(adwin.rowCount()).isLessThanOrEqualTo(23);
        assertThat(drifts).isLessThan(5);
    }
}
