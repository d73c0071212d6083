package io.visutility.monitor.plugins.drift;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/** Deterministic test streams, and a runner that returns the indices where a detector fired. */
final class Streams {

    private static final ModelVersion MODEL = new ModelVersion("m", "v1");
    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

    private Streams() {
    }

    static <S extends DriftStrategy> S configured(Supplier<S> factory, Map<String, ?> config) {
        S strategy = factory.get();
        strategy.configure(Settings.of(config));
        return strategy;
    }

    /** The 0-based indices of {@code values} at which {@code strategy} said DRIFT (fed as accuracy drift). */
    static List<Integer> detections(DriftStrategy strategy, double[] values) {
        return indices(strategy, values, Verdict.Level.DRIFT);
    }

    static List<Integer> indices(DriftStrategy strategy, double[] values, Verdict.Level level) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (strategy.evaluate(new AccuracyDrift(MODEL, values[i], T)).level() == level) {
                found.add(i);
            }
        }
        return found;
    }

    static double[] flat(int n, double value) {
        double[] values = new double[n];
        Arrays.fill(values, value);
        return values;
    }

    /** {@code before} values of a square wave 0, 1, 0, 1, ..., then {@code after} values of {@code high}. */
    static double[] squareThenStep(int before, int after, double high) {
        double[] values = new double[before + after];
        for (int i = 0; i < before; i++) {
            values[i] = i % 2;
        }
        for (int i = before; i < values.length; i++) {
            values[i] = high;
        }
        return values;
    }

    /** Gaussian noise (fixed seed) around {@code level1} for {@code n1} values, then around {@code level2}. */
    static double[] noisyStep(long seed, int n1, double level1, int n2, double level2, double sd) {
        Random random = new Random(seed);
        double[] values = new double[n1 + n2];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i < n1 ? level1 : level2) + sd * random.nextGaussian();
        }
        return values;
    }

    /** A sine wave of the given period and amplitude around {@code level}: no change in the mean. */
    static double[] periodic(int n, int period, double level, double amplitude) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = level + amplitude * Math.sin(2 * Math.PI * i / period);
        }
        return values;
    }

    static double[] shifted(double[] values, double by) {
        double[] shifted = values.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += by;
        }
        return shifted;
    }
}
