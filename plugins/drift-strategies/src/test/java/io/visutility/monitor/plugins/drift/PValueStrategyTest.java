package io.visutility.monitor.plugins.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PValueStrategyTest {

    private static final ModelVersion MODEL = new ModelVersion("object_detector", "v1");
    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

    private static PValueStrategy strategy(Map<String, ?> config) {
        PValueStrategy strategy = new PValueStrategy();
        strategy.configure(Settings.of(config));
        return strategy;
    }

    private static Verdict.Level level(PValueStrategy strategy, double pValue) {
        return strategy.evaluate(new ConceptDrift(MODEL, pValue, T)).level();
    }

    @Test
    void aLowPValueIsDriftAndAHighOneNeverIs() {
        PValueStrategy strategy = strategy(Map.of());
        assertThat(level(strategy, 0.001)).isEqualTo(Verdict.Level.DRIFT);
        assertThat(level(strategy, 0.05)).isEqualTo(Verdict.Level.DRIFT);
        for (int i = 0; i < 1000; i++) {
            assertThat(level(strategy, 0.9)).isEqualTo(Verdict.Level.STABLE);
        }
        assertThat(level(strategy, 1.0)).isEqualTo(Verdict.Level.STABLE);
        assertThat(level(strategy, 0.0501)).isEqualTo(Verdict.Level.STABLE);
    }

    @Test
    void reasonAndScoreDescribeTheDecision() {
        Verdict verdict = strategy(Map.of("alpha", 0.01)).evaluate(new ConceptDrift(MODEL, 0.003, T));
        assertThat(verdict).isEqualTo(new Verdict(Verdict.Level.DRIFT, 0.003, "concept drift p-value 0.003 <= alpha 0.01"));
    }

    @Test
    void otherEventKindsAreStable() {
        PValueStrategy strategy = strategy(Map.of());
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 99, T)).level()).isEqualTo(Verdict.Level.STABLE);
        assertThat(strategy.evaluate(new InferenceLatency(MODEL, 0, T)).level()).isEqualTo(Verdict.Level.STABLE);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 1, -0.1, 1.5})
    void alphaMustBeBetweenZeroAndOne(double alpha) {
        assertThatThrownBy(() -> strategy(Map.of("alpha", alpha)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("settings: key 'alpha': must be in (0,1), got " + alpha);
    }
}
