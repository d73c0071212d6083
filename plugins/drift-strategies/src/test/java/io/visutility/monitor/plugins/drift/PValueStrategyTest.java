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
        Verdict verdict = strategy(Map.of("alpha", 0.01)).evaluate(new ConceptDrift(MODEL, 0.002, T));
        assertThat(verdict).isEqualTo(new Verdict(Verdict.Level.DRIFT, 5.0, "concept drift p-value 0.002 <= alpha 0.01"));
    }

    @Test
    void otherEventKindsAreStable() {
        PValueStrategy strategy = strategy(Map.of());
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 99, T)).level()).isEqualTo(Verdict.Level.STABLE);
        assertThat(strategy.evaluate(new InferenceLatency(MODEL, 0, T)).level()).isEqualTo(Verdict.Level.STABLE);
    }

    @Test
    void consecutiveNeedsARunOfLowPValuesAndAHighOneBreaksIt() {
        PValueStrategy strategy = strategy(Map.of("alpha", 0.05, "consecutive", 3));
        assertThat(level(strategy, 0.01)).isEqualTo(Verdict.Level.WARNING);
        assertThat(level(strategy, 0.02)).isEqualTo(Verdict.Level.WARNING);
        assertThat(level(strategy, 0.5)).isEqualTo(Verdict.Level.STABLE);
        assertThat(level(strategy, 0.01)).isEqualTo(Verdict.Level.WARNING);
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 0.9, T)).level()).isEqualTo(Verdict.Level.STABLE);
        assertThat(level(strategy, 0.01)).isEqualTo(Verdict.Level.WARNING);
        assertThat(level(strategy, 0.01)).isEqualTo(Verdict.Level.DRIFT);
        strategy.reset();
        assertThat(level(strategy, 0.01)).isEqualTo(Verdict.Level.WARNING);
    }

    @Test
    void bonferroniDividesAlphaByM() {
        PValueStrategy strategy = strategy(Map.of("alpha", 0.05, "correction", "bonferroni", "m", 10));
        assertThat(level(strategy, 0.006)).isEqualTo(Verdict.Level.STABLE);
        Verdict verdict = strategy.evaluate(new ConceptDrift(MODEL, 0.005, T));
        assertThat(verdict.level()).isEqualTo(Verdict.Level.DRIFT);
        assertThat(verdict.reason()).isEqualTo("concept drift p-value 0.005 <= alpha/m 0.005");
        assertThatThrownBy(() -> strategy(Map.of("correction", "bonferroni")))
                .hasMessage("settings: key 'm': correction: bonferroni needs m, the number of tests (>= 1)");
        assertThatThrownBy(() -> strategy(Map.of("correction", "holm")))
                .hasMessage("settings: key 'correction': 'holm' is not one of: none, bonferroni");
        assertThatThrownBy(() -> strategy(Map.of("consecutive", 0)))
                .hasMessage("settings: key 'consecutive': must be >= 1, got 0");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 1, -0.1, 1.5})
    void alphaMustBeBetweenZeroAndOne(double alpha) {
        assertThatThrownBy(() -> strategy(Map.of("alpha", alpha)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("settings: key 'alpha': must be in (0,1), got " + alpha);
    }
}
