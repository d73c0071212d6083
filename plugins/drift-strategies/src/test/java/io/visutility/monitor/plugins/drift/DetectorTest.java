package io.visutility.monitor.plugins.drift;

import static io.visutility.monitor.plugins.drift.Streams.configured;
import static io.visutility.monitor.plugins.drift.Streams.detections;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Behaviour every generic detector shares, and each detector's indices on streams defined here. */
class DetectorTest {

    static Stream<Arguments> detectors() {
        return Stream.of(
                Arguments.of("page-hinkley", (Supplier<DriftStrategy>) PageHinkleyDetector::new),
                Arguments.of("cusum", (Supplier<DriftStrategy>) CusumDetector::new),
                Arguments.of("ewma", (Supplier<DriftStrategy>) EwmaDetector::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectors")
    void aFlatStreamNeverFires(String name, Supplier<DriftStrategy> factory) {
        for (double level : new double[] {0, 0.07, 1e6, -3}) {
            DriftStrategy detector = configured(factory, Map.of());
            assertThat(detections(detector, Streams.flat(20_000, level))).as("%s at %s", name, level).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectors")
    void aFastPeriodicPatternWithAStableMeanNeverFires(String name, Supplier<DriftStrategy> factory) {
        // A period much shorter than the warm-up: no run of values stays on one side of the mean.
        // (A slow wave is a run of shifted means, which CUSUM and EWMA rightly flag.)
        DriftStrategy detector = configured(factory, Map.of("min_instances", 100));
        assertThat(detections(detector, Streams.periodic(20_000, 4, 0.1, 0.02))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectors")
    void aStepOnTopOfAPeriodicPatternFiresOnceAfterTheStep(String name, Supplier<DriftStrategy> factory) {
        double[] wave = Streams.periodic(1_000, 4, 0.1, 0.02);
        for (int i = 500; i < wave.length; i++) {
            wave[i] += 1.0;
        }
        List<Integer> at = detections(configured(factory, Map.of("min_instances", 100, "threshold", 5)), wave);
        assertThat(at).as(name).isNotEmpty();
        assertThat(at.get(0)).as(name).isBetween(500, 510);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectors")
    void eventsOfOtherKindsAreStableAndDoNotMoveTheDetector(String name, Supplier<DriftStrategy> factory) {
        DriftStrategy detector = configured(factory, Map.of("min_instances", 2));
        ModelVersion model = new ModelVersion("m", "v1");
        for (int i = 0; i < 1000; i++) {
            assertThat(detector.evaluate(new ConceptDrift(model, 0.0, Instant.EPOCH)).level())
                    .isEqualTo(Verdict.Level.STABLE);
            assertThat(detector.evaluate(new InferenceLatency(model, 1_000_000, Instant.EPOCH)).level())
                    .isEqualTo(Verdict.Level.STABLE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withAdwin")
    void resetRestoresTheFreshInstanceBehaviourExactly(String name, Supplier<DriftStrategy> factory) {
        double[] stream = Streams.noisyStep(7, 500, 0.02, 500, 0.4, 0.05);
        List<Integer> fresh = detections(configured(factory, Map.of()), stream);
        DriftStrategy used = configured(factory, Map.of());
        detections(used, Streams.noisyStep(99, 300, 5, 300, -5, 1));
        used.reset();
        assertThat(detections(used, stream)).isEqualTo(fresh).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withAdwin")
    void savedStateRestoredIntoAFreshInstanceContinuesExactly(String name, Supplier<DriftStrategy> factory) {
        double[] stream = Streams.noisyStep(5, 700, 0.02, 700, 0.3, 0.05);
        List<Integer> uninterrupted = detections(configured(factory, Map.of()), stream);
        DriftStrategy first = configured(factory, Map.of());
        double[] head = Arrays.copyOf(stream, 600);
        double[] tail = Arrays.copyOfRange(stream, 600, stream.length);
        List<Integer> before = detections(first, head);
        // as JSON would bring it back: numbers may return as other Number types or strings
        Map<String, Object> saved = new LinkedHashMap<>(first.saveState());
        saved.replaceAll((key, value) -> value instanceof Long l ? Integer.valueOf(l.intValue()) : value);
        DriftStrategy second = configured(factory, Map.of());
        second.restoreState(saved);
        List<Integer> after = detections(second, tail).stream().map(i -> i + 600).toList();
        List<Integer> resumed = new ArrayList<>(before);
        resumed.addAll(after);
        assertThat(resumed).isEqualTo(uninterrupted).isNotEmpty();
        assertThatThrownBy(() -> configured(factory, Map.of()).restoreState(Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is missing");
    }

    static Stream<Arguments> withAdwin() {
        return Stream.concat(detectors(),
                Stream.of(Arguments.of("adwin", (Supplier<DriftStrategy>) AdwinDetector::new)));
    }

    @Test
    void theInputSettingChoosesTheField() {
        DriftStrategy latency = configured(CusumDetector::new, Map.of("input", "inference_latency", "min_instances", 5));
        ModelVersion model = new ModelVersion("m", "v1");
        long[] latencies = {100, 102, 98, 101, 99, 300, 310};
        List<Verdict.Level> levels = new ArrayList<>();
        for (long ms : latencies) {
            levels.add(latency.evaluate(new InferenceLatency(model, ms, Instant.EPOCH)).level());
        }
        assertThat(levels).containsExactly(Verdict.Level.STABLE, Verdict.Level.STABLE, Verdict.Level.STABLE,
                Verdict.Level.STABLE, Verdict.Level.STABLE, Verdict.Level.DRIFT, Verdict.Level.STABLE);
        assertThatThrownBy(() -> configured(CusumDetector::new, Map.of("input", "latency")))
                .hasMessage("settings: key 'input': 'latency' is not one of: accuracy_drift, concept_drift, "
                        + "inference_latency");
    }

    @ParameterizedTest
    @ValueSource(strings = {"page-hinkley", "cusum", "adwin"})
    void shiftingEveryValueByAConstantKeepsTheDetectionIndices(String name) {
        Supplier<DriftStrategy> factory = switch (name) {
            case "cusum" -> CusumDetector::new;
            case "adwin" -> AdwinDetector::new;
            default -> PageHinkleyDetector::new;
        };
        Map<String, Object> config = name.equals("adwin") ? Map.of() : Map.of("threshold", 5);
        for (long seed = 1; seed <= 20; seed++) {
            double[] stream = Streams.noisyStep(seed, 400, 1, 400, 1.6, 0.3);
            List<Integer> base = detections(configured(factory, config), stream);
            assertThat(base).as("seed %d", seed).isNotEmpty();
            for (double by : new double[] {-50, 1000}) {
                assertThat(detections(configured(factory, config), Streams.shifted(stream, by)))
                        .as("seed %d shifted by %s", seed, by).isEqualTo(base);
            }
        }
    }

    @Test
    void cusumFiresWhereTheArithmeticSays() {
        // Warm-up: 0,1,0,1,... (30 values): mu0 = 0.5, sigma0 = sqrt(30*0.25/29) = 0.50855; as in
        // River the last warm-up value already counts: S+ = 0.5 - 0.25427 = 0.24573 at index 29.
        // Then 3.0 each adds (3 - 0.5) - 0.25427 = 2.24573; h*sigma0 = 2.54274, so S+ = 2.4915 at
        // index 30 (below) and 4.7372 at index 31 (above): DRIFT at 31, then a fresh warm-up of 30
        // values of 3.0 (constant: floored sigma), and no drift after it.
        double[] stream = Streams.squareThenStep(30, 100, 3.0);
        assertThat(detections(configured(CusumDetector::new, Map.of()), stream)).containsExactly(31);
    }

    @Test
    void cusumDownwardOnlyIgnoresAnIncrease() {
        double[] up = Streams.squareThenStep(30, 100, 3.0);
        assertThat(detections(configured(CusumDetector::new, Map.of("mode", "down")), up)).isEmpty();
        double[] down = Streams.squareThenStep(30, 100, -2.0);
        assertThat(detections(configured(CusumDetector::new, Map.of("mode", "down")), down)).containsExactly(31);
    }

    @Test
    void cusumWarnsBeforeItFires() {
        // sigma0 = 0.508548, k*sigma0 = 0.254274. The last warm-up value (index 29, a 1) starts S+ at
        // 0.245726; each 1.2 then adds 0.445726: S+/sigma0 = 1.36, 2.24, 3.11, 3.99, 4.87, 5.74 at
        // indices 30..35, so WARNING (> 3) at 32, 33, 34 and DRIFT (> 5) at 35.
        double[] stream = Streams.squareThenStep(30, 10, 1.2);
        assertThat(Streams.indices(configured(CusumDetector::new, Map.of("warning_threshold", 3)), stream,
                Verdict.Level.WARNING)).containsExactly(32, 33, 34);
        assertThat(detections(configured(CusumDetector::new, Map.of("warning_threshold", 3)), stream))
                .containsExactly(35);
    }

    @Test
    void pageHinkleyFindsAStepUpAndAStepDown() {
        double[] up = Streams.noisyStep(3, 200, 0.0, 200, 1.0, 0.1);
        List<Integer> upAt = detections(configured(PageHinkleyDetector::new, Map.of("threshold", 10)), up);
        assertThat(upAt).isNotEmpty();
        assertThat(upAt.get(0)).isBetween(200, 220);
        double[] down = Streams.noisyStep(3, 200, 1.0, 200, 0.0, 0.1);
        List<Integer> downAt = detections(configured(PageHinkleyDetector::new,
                Map.of("threshold", 10, "mode", "down")), down);
        assertThat(downAt).isNotEmpty();
        assertThat(downAt.get(0)).isBetween(200, 220);
        assertThat(detections(configured(PageHinkleyDetector::new, Map.of("threshold", 10, "mode", "up")), down))
                .isEmpty();
    }

    @Test
    void pageHinkleyWarnsBeforeItFires() {
        double[] up = Streams.noisyStep(3, 200, 0.0, 200, 1.0, 0.1);
        Map<String, Object> config = Map.of("threshold", 10, "warning_threshold", 5);
        List<Integer> warnings = Streams.indices(configured(PageHinkleyDetector::new, config), up,
                Verdict.Level.WARNING);
        List<Integer> drifts = detections(configured(PageHinkleyDetector::new, config), up);
        assertThat(warnings).isNotEmpty();
        assertThat(drifts).isNotEmpty();
        assertThat(warnings.get(0)).isGreaterThanOrEqualTo(200).isLessThan(drifts.get(0));
        assertThat(warnings).allSatisfy(i -> assertThat(i).isLessThan(drifts.get(0)));
    }

    @Test
    void ewmaFindsAStepSoonAfterIt() {
        double[] stream = Streams.noisyStep(11, 300, 0.02, 300, 0.2, 0.01);
        List<Integer> at = detections(configured(EwmaDetector::new, Map.of()), stream);
        assertThat(at).isNotEmpty();
        assertThat(at.get(0)).isBetween(300, 310);
    }

    @Test
    void parametersAreValidatedWithClearMessages() {
        assertThatThrownBy(() -> configured(PageHinkleyDetector::new, Map.of("delta", 1.5)))
                .hasMessage("settings: key 'delta': delta must be in (0,1), got 1.5");
        assertThatThrownBy(() -> configured(PageHinkleyDetector::new, Map.of("threshold", 0)))
                .hasMessage("settings: key 'threshold': threshold must be > 0, got 0.0");
        assertThatThrownBy(() -> configured(PageHinkleyDetector::new, Map.of("mode", "sideways")))
                .hasMessage("settings: key 'mode': 'sideways' is not one of: up, down, both");
        assertThatThrownBy(() -> configured(PageHinkleyDetector::new, Map.of("warning_threshold", 60)))
                .hasMessage("settings: key 'warning_threshold': warning_threshold must be below the drift threshold "
                        + "50.0, got 60.0");
        assertThatThrownBy(() -> configured(CusumDetector::new, Map.of("min_instances", 1)))
                .hasMessage("settings: key 'min_instances': min_instances must be >= 2, got 1");
        assertThatThrownBy(() -> configured(CusumDetector::new, Map.of("slack", -1)))
                .hasMessage("settings: key 'slack': slack must be >= 0, got -1.0");
        assertThatThrownBy(() -> configured(EwmaDetector::new, Map.of("alpha", 0)))
                .hasMessage("settings: key 'alpha': alpha must be in (0,1), got 0.0");
    }
}
