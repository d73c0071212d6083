package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import io.visutility.monitor.dist.Distribution.Result;
import io.visutility.monitor.plugins.drift.AdwinDetector;
import io.visutility.monitor.plugins.drift.CusumDetector;
import io.visutility.monitor.plugins.drift.EwmaDetector;
import io.visutility.monitor.plugins.drift.PageHinkleyDetector;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each streaming detector drives the retraining trigger of the distribution on a replayed stream
 * with a level shift per model: one trigger per model, stamped with the event time of the value
 * at which the detector, run on its own over the same values, fires first.
 */
class DriftDetectorsIT {

    private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");
    private static final int BEFORE = 400;
    private static final int AFTER = 400;

    @TempDir
    Path root;

    static Stream<Arguments> detectors() {
        return Stream.of(
                Arguments.of("page-hinkley", "{threshold: 5}", Map.of("threshold", 5),
                        (Supplier<DriftStrategy>) PageHinkleyDetector::new),
                Arguments.of("cusum", "{}", Map.of(), (Supplier<DriftStrategy>) CusumDetector::new),
                Arguments.of("ewma", "{}", Map.of(), (Supplier<DriftStrategy>) EwmaDetector::new),
                Arguments.of("adwin", "{}", Map.of(), (Supplier<DriftStrategy>) AdwinDetector::new));
    }

    /** A deterministic noisy level shift: model {@code salt} gets its own noise. */
    private static double value(int salt, int i) {
        double level = i < BEFORE ? 0.02 : 0.30;
        return level + 0.01 * Math.sin(i * 1.7 + salt) + 0.005 * Math.cos(i * 0.31 + 2 * salt);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectors")
    void aLevelShiftTriggersOncePerModelAtTheEventTheDetectorFiresOn(String type, String yamlConfig,
            Map<String, Object> config, Supplier<DriftStrategy> factory) throws Exception {
        Distribution dist = new Distribution(root);
        dist.writeManifest("""
                reload: {watch: false}
                observers:
                  - name: retrain
                    type: retraining-trigger
                    events: [accuracy_drift]
                    strategy:
                      type: %s
                      config: %s
                    config: {cooldown: 1d}
                """.formatted(type, yamlConfig));
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < BEFORE + AFTER; i++) {
            for (String model : new String[] {"alpha", "beta"}) {
                events.append("{\"type\":\"accuracy_drift\",\"model\":\"").append(model)
                        .append("\",\"version\":\"v1\",\"drift\":").append(value(model.length(), i))
                        .append(",\"ts\":\"").append(T0.plusSeconds(i)).append("\"}\n");
            }
        }
        Path file = dist.writeFile("events.jsonl", events.toString());

        Result result = dist.run("run", "--config", dist.manifest().toString(), "--replay", file.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        for (String model : new String[] {"alpha", "beta"}) {
            int expected = firstDrift(factory, config, model.length());
            assertThat(expected).as("%s fires after the shift", type).isBetween(BEFORE, BEFORE + AFTER - 1);
            Pattern line = Pattern.compile("retraining triggered model=" + model + " version=v1 strategy=" + type
                    + " at=(\\S+) reason=");
            Matcher matcher = line.matcher(result.stderr());
            assertThat(matcher.find()).as(result.toString()).isTrue();
            assertThat(Instant.parse(matcher.group(1))).isEqualTo(T0.plusSeconds(expected));
            assertThat(matcher.find()).as("a second trigger for " + model).isFalse();
        }
    }

    private static int firstDrift(Supplier<DriftStrategy> factory, Map<String, Object> config, int salt) {
        DriftStrategy detector = factory.get();
        detector.configure(Settings.of(config));
        ModelVersion model = new ModelVersion("m", "v1");
        for (int i = 0; i < BEFORE + AFTER; i++) {
            if (detector.evaluate(new AccuracyDrift(model, value(salt, i), T0)).level() == Verdict.Level.DRIFT) {
                return i;
            }
        }
        return -1;
    }
}
