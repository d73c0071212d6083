package io.visutility.monitor.plugins.drift;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;

/**
 * A detector over one scalar stream: the field {@code input} names ({@code accuracy_drift}: the
 * drift, {@code concept_drift}: the p-value, {@code inference_latency}: the latency). Events of
 * other kinds are STABLE and do not move the detector. After a DRIFT verdict the detector resets
 * itself, as River's detectors do, so the next value starts a fresh stream.
 *
 * <p>Not thread-safe: one instance per model version, called by one thread at a time.
 */
abstract class ScalarDetector implements DriftStrategy {

    private Input input = Input.ACCURACY_DRIFT;
    private double lastScore;

    @Override
    public final void configure(Settings settings) {
        input = Input.from(settings);
        configureDetector(settings);
        reset();
    }

    /** Reads and validates the detector's own settings. */
    abstract void configureDetector(Settings settings);

    /** Takes the next value of the stream; called only for the configured input. */
    abstract Verdict update(double value);

    @Override
    public final Verdict evaluate(ModelMetricEvent event) {
        double value = input.read(event);
        if (Double.isNaN(value)) {
            return Verdict.stable(lastScore);
        }
        Verdict verdict = update(value);
        lastScore = verdict.score();
        if (verdict.level() == Verdict.Level.DRIFT) {
            reset();
            lastScore = 0;
        }
        return verdict;
    }

    /** Validates that {@code key} is in the open interval (0, 1). */
    static double openUnit(Settings settings, String key, double def) {
        double value = settings.getDouble(key, def);
        if (!(value > 0 && value < 1)) {
            throw settings.invalid(key, key + " must be in (0,1), got " + value);
        }
        return value;
    }

    /** Validates that {@code key} is > 0. */
    static double positive(Settings settings, String key, double def) {
        double value = settings.getDouble(key, def);
        if (!(value > 0)) {
            throw settings.invalid(key, key + " must be > 0, got " + value);
        }
        return value;
    }

    /** Validates that {@code key} is >= 0. */
    static double nonNegative(Settings settings, String key, double def) {
        double value = settings.getDouble(key, def);
        if (!(value >= 0)) {
            throw settings.invalid(key, key + " must be >= 0, got " + value);
        }
        return value;
    }

    /** Validates that {@code key} is an integer >= {@code min}. */
    static int atLeast(Settings settings, String key, long def, int min) {
        long value = settings.getLong(key, def);
        if (value < min || value > Integer.MAX_VALUE) {
            throw settings.invalid(key, key + " must be >= " + min + ", got " + value);
        }
        return (int) value;
    }

    /** An optional warning level below the drift level: NaN when absent. */
    static double warningBelow(Settings settings, String key, double driftLevel) {
        if (!settings.keys().contains(key)) {
            settings.getDouble(key, Double.NaN); // read, so the host counts it as known
            return Double.NaN;
        }
        double value = positive(settings, key, Double.NaN);
        if (value >= driftLevel) {
            throw settings.invalid(key, key + " must be below the drift threshold " + driftLevel + ", got " + value);
        }
        return value;
    }
}
