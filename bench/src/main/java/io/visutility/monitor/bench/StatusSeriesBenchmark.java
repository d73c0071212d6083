package io.visutility.monitor.bench;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.bench.Workload.CountingObserver;
import io.visutility.monitor.host.bus.DispatchMode;
import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.EventFilter;
import io.visutility.monitor.host.bus.ObserverStats;
import io.visutility.monitor.host.bus.OverflowPolicy;
import io.visutility.monitor.host.bus.Registration;
import io.visutility.monitor.host.status.ModelStatus;
import io.visutility.monitor.host.status.StatusRecorder;
import io.visutility.monitor.host.status.StatusSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What keeping the status page's series costs per event.
 *
 * <p>{@code emit}: one producer on the bus with the four async lanes of {@link AsyncEmitBenchmark}
 * (lossless), {@code without} or {@code with} the host's status lane registered as
 * {@code Monitor} registers it ({@link StatusRecorder#LANE}: async, dropping when full). The
 * producer's cost per event; at the end the status lane's drops are printed, since a lane that
 * drops does less work.
 *
 * <p>{@code record}: the status lane's own work per event, {@link ModelStatus#record}, on one
 * thread: 16 model versions, all three event types, event time moving on by 250 ms per event
 * (so buckets close and the window slides as it does live).
 *
 * <p>The bytes per model version are measured by {@link StatusMemoryHarness}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class StatusSeriesBenchmark {

    /** Whether the bus has the status lane. */
    @Param({"without", "with"})
    public String series;

    private static final int EVENTS = 1 << 16;
    private final ModelMetricEvent[] busEvents = Workload.events();
    private ModelMetricEvent[] timedEvents;
    private int next;
    private long emitted;
    private CountingObserver[] observers;
    private EventBus bus;
    private final List<Registration> lanes = new ArrayList<>();
    private Registration statusLane;
    private ModelStatus status;

    @Setup(Level.Trial)
    public void setUp() {
        observers = Workload.observers();
        bus = new EventBus();
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        DispatchPolicy lossless = new DispatchPolicy(DispatchMode.ASYNC, AsyncEmitBenchmark.SLOTS,
                OverflowPolicy.BLOCK, Optional.of(Duration.ofSeconds(60)), d.failuresBeforePause(), d.pause(), d.maxPause(),
                d.shutdownTimeout());
        for (int i = 0; i < observers.length; i++) {
            lanes.add(bus.register("observer-" + i, EventFilter.ALL, observers[i], lossless));
        }
        if (series.equals("with")) {
            statusLane = bus.register("status", EventFilter.ALL,
                    new StatusRecorder(new ModelStatus(StatusSpec.DEFAULT)), StatusRecorder.LANE);
        }
        status = new ModelStatus(StatusSpec.DEFAULT);
        timedEvents = new ModelMetricEvent[EVENTS];
        Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
        for (int i = 0; i < EVENTS; i++) {
            ModelVersion model = new ModelVersion("model-" + (i % 16), "v1");
            Instant ts = t0.plusMillis(250L * i);
            timedEvents[i] = switch (i % 3) {
                case 0 -> new InferenceLatency(model, 20 + (i * 7919L) % 400, ts);
                case 1 -> new AccuracyDrift(model, (i % 100) / 1000.0, ts);
                default -> new ConceptDrift(model, (i % 100) / 100.0, ts);
            };
        }
    }

    @TearDown(Level.Trial)
    public void verifyAndStop() throws InterruptedException {
        Workload.awaitSeen(observers, emitted);
        for (Registration lane : lanes) {
            lane.close();
        }
        if (statusLane != null) {
            statusLane.close();
            ObserverStats stats = statusLane.stats();
            System.out.printf("%nstatus lane: received %d, delivered %d, dropped %d of %d emitted%n",
                    stats.received(), stats.delivered(), stats.droppedTotal(), emitted);
        }
    }

    @Benchmark
    public void emit() {
        emitted++;
        bus.emit(busEvents[next++ & (Workload.EVENTS - 1)]);
    }

    @Benchmark
    public void record() {
        // the same for both params: only the bus differs between them
        status.record(timedEvents[next++ & (EVENTS - 1)]);
    }
}
