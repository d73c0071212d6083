package io.visutility.monitor.bench;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.bench.Workload.CountingObserver;
import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.EventFilter;
import io.visutility.monitor.host.bus.ObserverStats;
import io.visutility.monitor.host.bus.OverflowPolicy;
import io.visutility.monitor.host.bus.Registration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Isolation: the async bus with the default policy (8192 slots, drop newest) and four observers,
 * with and without one of them sleeping 1 ms per event. For each run: the producer's emit rate,
 * and the other three observers' deliveries per second. The two configurations alternate for
 * {@code rounds} rounds of {@code seconds} each, and the medians (and means) are compared, so
 * machine noise hits both alike. Every lane's counters must add up at the end of each round.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.visutility.monitor.bench.IsolationHarness [rounds] [seconds]}
 */
public final class IsolationHarness {

    private IsolationHarness() {
    }

    /** One round's rates. */
    record Rates(double emitsPerSecond, double othersDeliveredPerSecond) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        run(false, 1); // warm-up of the JIT, not reported
        run(true, 1);
        double[][] fast = new double[2][rounds];
        double[][] slow = new double[2][rounds];
        for (int round = 0; round < rounds; round++) {
            Rates withoutSlow = run(false, seconds);
            Rates withSlow = run(true, seconds);
            fast[0][round] = withoutSlow.emitsPerSecond();
            fast[1][round] = withoutSlow.othersDeliveredPerSecond();
            slow[0][round] = withSlow.emitsPerSecond();
            slow[1][round] = withSlow.othersDeliveredPerSecond();
            System.out.printf("round %d: without slow observer %.2fM emits/s, others %.2fM delivered/s;"
                            + " with %.2fM emits/s, others %.2fM delivered/s%n", round + 1,
                    fast[0][round] / 1e6, fast[1][round] / 1e6, slow[0][round] / 1e6, slow[1][round] / 1e6);
        }
        double producerRatio = median(slow[0]) / median(fast[0]);
        double othersRatio = median(slow[1]) / median(fast[1]);
        System.out.printf("median producer: %.2fM -> %.2fM emits/s (ratio %.2f)%n",
                median(fast[0]) / 1e6, median(slow[0]) / 1e6, producerRatio);
        System.out.printf("median other observers: %.2fM -> %.2fM delivered/s (ratio %.2f)%n",
                median(fast[1]) / 1e6, median(slow[1]) / 1e6, othersRatio);
        // The rounds can be bimodal on a busy machine (BENCHMARKS.md), which the median hides.
        System.out.printf("mean producer: %.2fM -> %.2fM emits/s (ratio %.2f); mean other observers:"
                        + " %.2fM -> %.2fM delivered/s (ratio %.2f)%n",
                mean(fast[0]) / 1e6, mean(slow[0]) / 1e6, mean(slow[0]) / mean(fast[0]),
                mean(fast[1]) / 1e6, mean(slow[1]) / 1e6, mean(slow[1]) / mean(fast[1]));
    }

    private static Rates run(boolean slowObserver, double seconds) {
        EventBus bus = new EventBus();
        CountingObserver[] observers = Workload.observers();
        List<Registration> lanes = new ArrayList<>();
        for (int i = 0; i < observers.length; i++) {
            Observer observer = observers[i];
            if (i == 0 && slowObserver) {
                Observer fast = observer;
                observer = event -> {
                    Thread.sleep(1);
                    fast.onEvent(event);
                };
            }
            // A dropping policy: under the default block, a slow observer holds its producers back by design.
            lanes.add(bus.register("observer-" + i, EventFilter.ALL, observer,
                    DispatchPolicy.DEFAULT.withWhenFull(OverflowPolicy.DROP_NEWEST)));
        }
        ModelMetricEvent[] events = Workload.events();
        long emitted = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            for (int i = 0; i < 4096; i++) {
                bus.emit(events[(int) (emitted++ & (Workload.EVENTS - 1))]);
            }
        } while ((now = System.nanoTime()) < end);
        double elapsed = (now - start) / 1e9;
        long othersDelivered = 0;
        for (int i = 1; i < lanes.size(); i++) {
            othersDelivered += lanes.get(i).stats().delivered();
        }
        for (Registration lane : lanes) {
            lane.close();
            ObserverStats s = lane.stats();
            if (s.received() != emitted || s.received() != s.delivered() + s.droppedTotal() + s.failed() + s.queued()) {
                throw new IllegalStateException("counters do not add up: " + s + " for " + emitted + " emitted");
            }
        }
        return new Rates(emitted / elapsed, othersDelivered / elapsed);
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
