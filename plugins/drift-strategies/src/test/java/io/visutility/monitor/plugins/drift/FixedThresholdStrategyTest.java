package io.visutility.monitor.plugins.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FixedThresholdStrategyTest {

    private static final ModelVersion MODEL = new ModelVersion("object_detector", "v1");
    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

    private static FixedThresholdStrategy strategy(Map<String, ?> config) {
        FixedThresholdStrategy strategy = new FixedThresholdStrategy();
        strategy.configure(Settings.of(config));
        return strategy;
    }

    @Test
    void driftAtOrAboveTheThreshold() {
        FixedThresholdStrategy strategy = strategy(Map.of("threshold", 0.1));
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 0.09, T)).level()).isEqualTo(Verdict.Level.STABLE);
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 0.1, T)))
                .isEqualTo(new Verdict(Verdict.Level.DRIFT, 1.0, "accuracy drift 0.1 >= threshold 0.1"));
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 0.5, T)).level()).isEqualTo(Verdict.Level.DRIFT);
    }

    @Test
    void defaultThresholdIsFivePercent() {
        FixedThresholdStrategy strategy = strategy(Map.of());
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 0.049, T)).level()).isEqualTo(Verdict.Level.STABLE);
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 0.05, T)).level()).isEqualTo(Verdict.Level.DRIFT);
    }

    @Test
    void conceptDriftIsNotJudgedByTheAccuracyRule() {
        // The origin fed p-values to ">= threshold": a p-value of 0.9 would have been "drift".
        FixedThresholdStrategy strategy = strategy(Map.of());
        assertThat(strategy.evaluate(new ConceptDrift(MODEL, 0.9, T)).level()).isEqualTo(Verdict.Level.STABLE);
        assertThat(strategy.evaluate(new ConceptDrift(MODEL, 0.001, T)).level()).isEqualTo(Verdict.Level.STABLE);
    }

    @Test
    void belowFiresOnLowValuesAndWarningComesFirst() {
        FixedThresholdStrategy strategy = strategy(Map.of("threshold", 0.02, "direction", "below", "warning", 0.04));
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 0.05, T)).level()).isEqualTo(Verdict.Level.STABLE);
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 0.04, T)).level()).isEqualTo(Verdict.Level.WARNING);
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 0.03, T)).level()).isEqualTo(Verdict.Level.WARNING);
        Verdict drift = strategy.evaluate(new AccuracyDrift(MODEL, 0.01, T));
        assertThat(drift.level()).isEqualTo(Verdict.Level.DRIFT);
        assertThat(drift.score()).isEqualTo(2.0);
        assertThat(drift.reason()).isEqualTo("accuracy drift 0.01 <= threshold 0.02");
    }

    @Test
    void aboveWithAWarningLevel() {
        FixedThresholdStrategy strategy = strategy(Map.of("threshold", 0.1, "warning", 0.07));
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 0.06, T)).level()).isEqualTo(Verdict.Level.STABLE);
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 0.08, T)).level()).isEqualTo(Verdict.Level.WARNING);
        assertThat(strategy.evaluate(new AccuracyDrift(MODEL, 0.1, T)).level()).isEqualTo(Verdict.Level.DRIFT);
    }

    @Test
    void badThresholdsAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> strategy(Map.of("direction", "sideways")))
                .hasMessage("settings: key 'direction': 'sideways' is not one of: above, below");
        assertThatThrownBy(() -> strategy(Map.of("threshold", 0.1, "warning", 0.2)))
                .hasMessage("settings: key 'warning': must be below the threshold 0.1 (direction above), got 0.2");
        assertThatThrownBy(() -> strategy(Map.of("threshold", "high")))
                .hasMessage("settings: key 'threshold': expected a number, got 'high'");
        assertThatThrownBy(() -> strategy(Map.of("threshold", -1)))
                .hasMessage("settings: key 'threshold': must be > 0, got -1.0");
    }
}
