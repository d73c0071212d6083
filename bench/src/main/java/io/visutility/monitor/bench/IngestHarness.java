package io.visutility.monitor.bench;

import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.EventFilter;
import io.visutility.monitor.host.ingest.EventFormatException;
import io.visutility.monitor.host.ingest.EventJson;
import io.visutility.monitor.host.ingest.HttpIngest;
import io.visutility.monitor.host.ingest.IngestCounter;
import io.visutility.monitor.host.ingest.JsonLinesReplay;
import io.visutility.monitor.host.manifest.HttpIngestSpec;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingest rates on one machine, same event lines for all three: parsing the lines with Jackson
 * alone (the baseline), replaying them as JSON lines onto a bus, and posting them over HTTP on
 * loopback in NDJSON batches of 1000 from {@code clients} concurrent Java HttpClients. The bus has
 * one cheap sync observer that counts, and the counts must match.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.visutility.monitor.bench.IngestHarness [seconds] [clients]}
 */
public final class IngestHarness {

    private static final int BATCH = 1000;

    private IngestHarness() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        String[] lines = new String[BATCH];
        for (int i = 0; i < BATCH; i++) {
            lines[i] = switch (i % 3) {
                case 0 -> "{\"type\":\"inference_latency\",\"model\":\"object_detector\",\"version\":\"v1.2.3\","
                        + "\"latency_ms\":" + (150 + i % 100) + ",\"ts\":\"2026-11-26T10:00:00Z\"}";
                case 1 -> "{\"type\":\"accuracy_drift\",\"model\":\"fraud_scorer\",\"version\":\"v2.0.1\",\"drift\":0.0"
                        + (i % 9 + 1) + "}";
                default -> "{\"type\":\"concept_drift\",\"model\":\"object_detector\",\"version\":\"v1.2.3\","
                        + "\"p_value\":0." + (i % 97 + 1) + "}";
            };
        }
        String batch = String.join("\n", lines) + "\n";
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
            boolean report = round == 1;
            double jackson = jacksonOnly(lines, seconds);
            double replay = replay(batch, seconds);
            double http = http(batch, seconds, clients);
            if (report) {
                System.out.printf("parse with Jackson only (baseline): %.0f events/s%n", jackson);
                System.out.printf("JSONL replay onto the bus:         %.0f events/s (%.2f of the baseline)%n",
                        replay, replay / jackson);
                System.out.printf("HTTP NDJSON, batches of %d, %d clients: %.0f events/s (%.2f of the baseline)%n",
                        BATCH, clients, http, http / jackson);
            }
        }
    }

    private static double jacksonOnly(String[] lines, double seconds) throws EventFormatException {
        long events = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        Instant now = Instant.now();
        long sink = 0;
        while (System.nanoTime() < end) {
            for (String line : lines) {
                sink += EventJson.parse(line, now).type().length();
            }
            events += lines.length;
        }
        if (sink == 0) {
            throw new IllegalStateException("nothing parsed");
        }
        return events / ((System.nanoTime() - start) / 1e9);
    }

    private static double replay(String batch, double seconds) throws Exception {
        EventBus bus = new EventBus();
        AtomicLong seen = new AtomicLong();
        bus.register("count", EventFilter.ALL, event -> seen.incrementAndGet(), DispatchPolicy.SYNC);
        JsonLinesReplay replay = new JsonLinesReplay(bus, Clock.systemUTC());
        byte[] bytes = batch.getBytes(StandardCharsets.UTF_8);
        long events = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            events += replay.replay(new ByteArrayInputStream(bytes), "bench").replayed();
        }
        double rate = events / ((System.nanoTime() - start) / 1e9);
        if (seen.get() != events) {
            throw new IllegalStateException("replayed " + events + " but the observer saw " + seen.get());
        }
        return rate;
    }

    private static double http(String batch, double seconds, int clients) throws Exception {
        EventBus bus = new EventBus();
        AtomicLong seen = new AtomicLong();
        bus.register("count", EventFilter.ALL, event -> seen.incrementAndGet(), DispatchPolicy.SYNC);
        AtomicLong accepted = new AtomicLong();
        try (HttpIngest http = HttpIngest.start(new HttpIngestSpec("127.0.0.1", 0, Optional.empty(), 1 << 20,
                clients, HttpIngestSpec.DEFAULT_MAX_WAIT, true, "bench"), bus, Clock.systemUTC(), () -> null, IngestCounter.NONE, HttpIngest.MetricsWriter.NONE)) {
            URI uri = URI.create("http://127.0.0.1:" + http.port() + "/v1/events");
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(batch)).build();
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 202) {
                            throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
                        }
                        accepted.addAndGet(BATCH);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();
            double rate = accepted.get() / ((System.nanoTime() - start) / 1e9);
            if (seen.get() != accepted.get()) {
                throw new IllegalStateException("accepted " + accepted.get() + " but the observer saw " + seen.get());
            }
            return rate;
        }
    }
}
