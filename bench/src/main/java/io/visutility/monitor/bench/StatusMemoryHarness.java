package io.visutility.monitor.bench;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Verdict;
import io.visutility.monitor.host.status.ModelStatus;
import io.visutility.monitor.host.status.StatusSpec;
import java.time.Instant;
import java.util.Random;

/**
 * The bytes per model version of the status page's series: {@code models} model versions, each
 * given a full day of every event type (one of each per 10 s, a verdict per p-value, latencies up
 * to {@code maxLatencyMs}), then the heap measured after collections, against the same before.
 * Also prints {@link ModelStatus#bytes}' estimate of one of them.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.visutility.monitor.bench.StatusMemoryHarness 1000 2000</pre>
 */
public final class StatusMemoryHarness {

    private StatusMemoryHarness() {
    }

    public static void main(String[] args) throws InterruptedException {
        int models = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int maxLatency = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        long before = usedHeap();
        ModelStatus status = new ModelStatus(new StatusSpec(StatusSpec.DEFAULT.resolveAfter(), models));
        Random random = new Random(1);
        Instant t0 = Instant.parse("2026-11-26T00:00:00Z");
        for (long second = 0; second < 24 * 3600; second += 10) {
            Instant t = t0.plusSeconds(second);
            for (int m = 0; m < models; m++) {
                ModelVersion model = new ModelVersion("model-" + m, "v1");
                status.record(new InferenceLatency(model, 1 + random.nextInt(maxLatency), t));
                status.record(new AccuracyDrift(model, random.nextGaussian(), t));
                status.record(new ConceptDrift(model, random.nextDouble(), t));
                status.report("retrain", "p-value", model, t, Verdict.stable(random.nextDouble()), false);
            }
        }
        long after = usedHeap();
        System.out.printf("%d model versions, a day each, latencies up to %d ms: %.0f bytes per model version on the "
                + "heap; estimate of one: %d bytes%n", models, maxLatency, (after - before) / (double) models,
                status.bytes(new ModelVersion("model-0", "v1")));
        if (status.size() != models) {
            throw new IllegalStateException("kept " + status.size() + " of " + models);
        }
    }

    private static long usedHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
