package io.visutility.monitor.bench;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import io.visutility.monitor.plugins.drift.AdwinDetector;
import io.visutility.monitor.plugins.drift.CusumDetector;
import io.visutility.monitor.plugins.drift.EwmaDetector;
import io.visutility.monitor.plugins.drift.FixedThresholdStrategy;
import io.visutility.monitor.plugins.drift.PageHinkleyDetector;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one update of each drift strategy, on a stable noisy stream of accuracy drifts (no drift,
 * so no reset), against the stateless {@code fixed-threshold} as the baseline.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DetectorBenchmark {

    @Param({"fixed-threshold", "page-hinkley", "cusum", "ewma", "adwin"})
    public String detector;

    private static final int EVENTS = 4096;
    private final ModelMetricEvent[] events = new ModelMetricEvent[EVENTS];
    private DriftStrategy strategy;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(42);
        ModelVersion model = new ModelVersion("m", "v1");
        Instant t = Instant.parse("2026-11-26T10:00:00Z");
        for (int i = 0; i < EVENTS; i++) {
            events[i] = new AccuracyDrift(model, 0.02 + 0.005 * random.nextGaussian(), t);
        }
        strategy = switch (detector) {
            case "fixed-threshold" -> new FixedThresholdStrategy();
            case "page-hinkley" -> new PageHinkleyDetector();
            case "cusum" -> new CusumDetector();
            case "ewma" -> new EwmaDetector();
            default -> new AdwinDetector();
        };
        strategy.configure(Settings.of(Map.of()));
    }

    @Benchmark
    public Verdict update() {
        return strategy.evaluate(events[next++ & (EVENTS - 1)]);
    }
}
