package io.visutility.monitor.host.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelStatusTest {

    private static final ModelVersion V1 = new ModelVersion("detector", "v1");
    private static final ModelVersion V2 = new ModelVersion("detector", "v2");
    private static final ModelVersion OTHER = new ModelVersion("scorer", "v1");
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private final ModelStatus status = new ModelStatus(new StatusSpec(Duration.ofHours(24), 100));

    private static Instant at(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private Health health(ModelVersion model) {
        return status.models().stream().filter(m -> m.model().equals(model)).findFirst().orElseThrow().health();
    }

    @Test
    void aWarningClearsOnStableButADriftStays() {
        status.report("retrain", "p-value", V1, at(0), Verdict.warning(0.8, "close"), false);
        assertThat(health(V1)).isEqualTo(Health.WARNING);
        status.report("retrain", "p-value", V1, at(1), Verdict.stable(0.1), false);
        assertThat(health(V1)).isEqualTo(Health.OK);

        status.report("retrain", "p-value", V1, at(2), Verdict.drift(3, "p 0.003"), true);
        status.report("retrain", "p-value", V1, at(3), Verdict.stable(0.1), false);
        status.report("retrain", "p-value", V1, at(4), Verdict.warning(0.9, "close"), false);
        assertThat(health(V1)).isEqualTo(Health.DRIFT);
    }

    @Test
    void theHealthIsTheWorstOverTheObservers() {
        status.report("a", "p-value", V1, at(0), Verdict.warning(0.8, "close"), false);
        status.report("b", "cusum", V1, at(0), Verdict.drift(2, "shift"), true);
        status.report("c", "ewma", V1, at(0), Verdict.stable(0.1), false);
        assertThat(health(V1)).isEqualTo(Health.DRIFT);
        assertThat(status.verdicts()).extracting(ObserverVerdict::observer, ObserverVerdict::health)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a", Health.WARNING),
                        org.assertj.core.groups.Tuple.tuple("b", Health.DRIFT),
                        org.assertj.core.groups.Tuple.tuple("c", Health.OK));
    }

    @Test
    void aDriftEndsWhenANewerVersionOfTheModelSendsEvents() {
        status.record(new InferenceLatency(V1, 100, at(0)));
        status.report("retrain", "p-value", V1, at(1), Verdict.drift(3, "p 0.003"), true);
        status.record(new InferenceLatency(OTHER, 100, at(2))); // another model does not count
        assertThat(health(V1)).isEqualTo(Health.DRIFT);

        status.record(new InferenceLatency(V2, 90, at(3)));
        assertThat(health(V1)).isEqualTo(Health.OK);
        assertThat(health(V2)).isEqualTo(Health.OK);
    }

    @Test
    void aDriftEndsAfterResolveAfterOfEventTimeWithoutAnother() {
        ModelStatus shortLived = new ModelStatus(new StatusSpec(Duration.ofMinutes(30), 100));
        shortLived.record(new InferenceLatency(V1, 100, at(0)));
        shortLived.report("retrain", "p-value", V1, at(0), Verdict.drift(3, "p"), true);
        shortLived.record(new InferenceLatency(V1, 100, at(29)));
        assertThat(shortLived.models().get(0).health()).isEqualTo(Health.DRIFT);
        shortLived.record(new InferenceLatency(V1, 100, at(30)));
        assertThat(shortLived.models().get(0).health()).isEqualTo(Health.OK);
    }

    @Test
    void modelsAreSortedByHealthThenName() {
        status.record(new InferenceLatency(new ModelVersion("a", "v1"), 1, at(0)));
        status.record(new InferenceLatency(new ModelVersion("c", "v1"), 1, at(0)));
        status.report("r", "s", new ModelVersion("z", "v1"), at(0), Verdict.drift(2, "x"), true);
        status.report("r", "s", new ModelVersion("b", "v1"), at(0), Verdict.warning(0.5, "x"), false);
        assertThat(status.models()).extracting(m -> m.model().name()).containsExactly("z", "b", "a", "c");
    }

    @Test
    void theLeastRecentlySeenModelVersionIsEvictedPastMaxModels() {
        ModelStatus small = new ModelStatus(new StatusSpec(Duration.ofHours(24), 2));
        small.record(new InferenceLatency(new ModelVersion("a", "v1"), 1, at(0)));
        small.record(new InferenceLatency(new ModelVersion("b", "v1"), 1, at(0)));
        small.record(new InferenceLatency(new ModelVersion("a", "v1"), 1, at(1)));
        small.record(new InferenceLatency(new ModelVersion("c", "v1"), 1, at(1)));
        assertThat(small.models()).extracting(m -> m.model().name()).containsExactlyInAnyOrder("a", "c");
        assertThat(small.evicted()).isEqualTo(1);
    }

    @Test
    void theHealthOfObserversNoLongerRunningIsForgotten() {
        status.report("gone", "s", V1, at(0), Verdict.drift(2, "x"), true);
        status.report("kept", "s", V1, at(0), Verdict.stable(0.1), false);
        status.retainObservers(Set.of("kept"));
        assertThat(health(V1)).isEqualTo(Health.OK);
    }

    @Test
    void theSeriesEndAtTheNewestEventTimeAndHoldPercentilesLastValuesAndTriggers() {
        for (int i = 1; i <= 100; i++) {
            status.record(new InferenceLatency(V1, i, at(0).plusMillis(i)));
        }
        status.record(new AccuracyDrift(V1, 0.2, at(0)));
        status.record(new ConceptDrift(V1, 0.4, at(0)));
        status.record(new ConceptDrift(V1, 0.003, at(0)));
        status.report("retrain", "p-value", V1, at(0), Verdict.drift(3.3, "p"), true);
        status.record(new InferenceLatency(V1, 500, at(2)));

        SeriesData hour = status.series(V1, false).orElseThrow();
        assertThat(hour.bucketMillis()).isEqualTo(10_000);
        assertThat(hour.times()).hasSize(13); // 10:00:00 to 10:02:00 in 10 s buckets
        assertThat(hour.times()[0]).isEqualTo(at(0).toEpochMilli());
        assertThat(hour.times()[12]).isEqualTo(at(2).toEpochMilli());
        double[][] c = hour.columns();
        assertThat(c[0][0]).isEqualTo(100);
        assertThat(c[1][0]).isEqualTo(50);
        assertThat(c[2][0]).isEqualTo(95);
        assertThat(c[3][0]).isEqualTo(99);
        assertThat(c[4][0]).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.001));
        assertThat(c[5][0]).isCloseTo(0.003, org.assertj.core.data.Offset.offset(0.00002));
        assertThat(c[6][0]).isCloseTo(3.3, org.assertj.core.data.Offset.offset(0.02));
        assertThat(hour.triggered()[0]).isTrue();
        assertThat(c[0][1]).isNaN();
        assertThat(c[3][12]).isCloseTo(500, org.assertj.core.data.Percentage.withPercentage(1)); // the open bucket, from its histogram

        SeriesData day = status.series(V1, true).orElseThrow();
        assertThat(day.times()).hasSize(3);
        assertThat(day.columns()[0][0]).isEqualTo(100);
        assertThat(status.models().get(0).latencyP95()).isCloseTo(500, org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void aVerdictAheadOfTheLatenciesDoesNotCloseTheirBucket() {
        // observers report from their own threads: a verdict may come before the events the host's lane has not read yet
        status.report("retrain", "p-value", V1, at(0).plusSeconds(15), Verdict.drift(2, "p"), true);
        status.record(new InferenceLatency(V1, 120, at(0)));
        status.record(new InferenceLatency(V1, 180, at(0).plusSeconds(1)));
        SeriesData hour = status.series(V1, false).orElseThrow();
        assertThat(hour.columns()[0][0]).isEqualTo(2);
        assertThat(hour.columns()[3][0]).isCloseTo(180, org.assertj.core.data.Percentage.withPercentage(1));
        status.record(new InferenceLatency(V1, 90, at(1)));
        hour = status.series(V1, false).orElseThrow();
        assertThat(hour.columns()[3][0]).as("closed into its slot").isCloseTo(180,
                org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(hour.columns()[3][6]).isEqualTo(90);
    }

    @Test
    void aLateEventLandsInItsBucketAndOneOlderThanTheWindowIsIgnored() {
        status.record(new InferenceLatency(V1, 10, at(60)));
        status.record(new AccuracyDrift(V1, 0.5, at(30)));      // late, within the hour
        status.record(new AccuracyDrift(V1, 0.7, at(60 - 61))); // older than the hour: only the day has it
        SeriesData hour = status.series(V1, false).orElseThrow();
        assertThat(hour.times()[0]).isEqualTo(at(30).toEpochMilli());
        assertThat(hour.columns()[4][0]).isEqualTo(0.5);
        SeriesData day = status.series(V1, true).orElseThrow();
        assertThat(day.times()[0]).isEqualTo(at(-1).toEpochMilli());
    }

    @Test
    void aModelVersionWithADayOfEveryKindOfEventTakesAtMost32KiB() {
        java.util.Random random = new java.util.Random(1);
        for (long second = 0; second < 24 * 3600; second += 2) {
            Instant t = T0.plusSeconds(second);
            status.record(new InferenceLatency(V1, 5 + random.nextInt(2000), t));
            status.record(new AccuracyDrift(V1, random.nextDouble(), t));
            status.record(new ConceptDrift(V1, random.nextDouble(), t));
            status.report("retrain", "p-value", V1, t, Verdict.stable(random.nextDouble()), second % 600 == 0);
        }
        assertThat(status.bytes(V1)).isLessThanOrEqualTo(32 * 1024);
        assertThat(status.series(V1, true).orElseThrow().times()).hasSize(1440);
        assertThat(status.series(V1, false).orElseThrow().times()).hasSize(360);
    }

    @Test
    void bfloat16KeepsAboutThreeSignificantDigits() {
        for (double value : List.of(0.003, 183.0, 0.17, -2.5, 1e-9, 65_000.0)) {
            assertThat(SeriesRing.decode(SeriesRing.encode(value))).isCloseTo(value,
                    org.assertj.core.data.Percentage.withPercentage(0.4));
        }
    }
}
