package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.dist.Distribution.Result;
import io.visutility.monitor.dist.Distribution.Started;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the default dispatch settings nothing accepted is lost: a replay delivers every event to
 * an observer that keeps up, beside a slow one that may drop; HTTP clients that resend from
 * {@code next_index} after a {@code 503} get every event delivered, and {@code accepted} is what
 * the observer received.
 */
class LosslessDefaultsIT {

    /** An observer that takes {@code delay_us} microseconds per event. */
    private static final String SLOW = """
            package com.example.slow;

            import io.visutility.monitor.api.ExtensionType;
            import io.visutility.monitor.api.ModelMetricEvent;
            import io.visutility.monitor.api.Observer;
            import io.visutility.monitor.api.ObserverContext;
            import java.util.concurrent.locks.LockSupport;
            import org.pf4j.Extension;

            @Extension
            @ExtensionType("slow")
            public class SlowObserver implements Observer {
                private long delayNanos;

                @Override
                public void start(ObserverContext ctx) {
                    delayNanos = ctx.settings().getLong("delay_us", 5000) * 1000;
                }

                @Override
                public void onEvent(ModelMetricEvent event) {
                    long until = System.nanoTime() + delayNanos;
                    while (System.nanoTime() - until < 0) {
                        LockSupport.parkNanos(until - System.nanoTime());
                    }
                }
            }
            """;
    private static final Pattern LISTENING = Pattern.compile("http ingest listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern LATENCY = Pattern.compile("\"model\":\"(c\\d+)\".*\"latency_ms\":(\\d+)");

    @TempDir
    Path root;
    Distribution dist;

    @BeforeEach
    void slowPlugin() throws Exception {
        dist = new Distribution(root);
        Path jar = new PluginJarBuilder(root.resolve("slow-build"), "slow").source("com.example.slow.SlowObserver", SLOW)
                .build("slow.jar");
        Files.copy(jar, dist.plugins().resolve("slow.jar"));
    }

    private static String event(String model, int index) {
        return "{\"type\":\"inference_latency\",\"model\":\"" + model + "\",\"version\":\"v1\",\"latency_ms\":" + index
                + ",\"ts\":\"2026-11-26T10:00:00Z\"}";
    }

    @Test
    void aReplayDeliversEveryEventToAnObserverThatKeepsUpBesideASlowOneThatDrops() throws Exception {
        Path out = root.resolve("archive.jsonl");
        dist.writeManifest("""
                reload: {watch: false}
                observers:
                  - name: archive
                    type: jsonl-sink
                    config: {path: %s}
                  - name: slow
                    type: slow
                    config: {delay_us: 5000}
                    dispatch: {when_full: drop_newest, shutdown_timeout: 1s}
                """.formatted(out));
        List<String> events = IntStream.range(0, 20_000).mapToObj(i -> event("c0", i)).collect(Collectors.toList());
        Path input = dist.writeFile("events.jsonl", String.join("\n", events) + "\n");

        Result result = dist.run("run", "--config", dist.manifest().toString(), "--replay", input.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("replayed 20000 events, rejected 0");
        assertThat(Files.readAllLines(out)).isEqualTo(events);
        assertThat(result.count("observer 'archive' stopped; received 20000, delivered 20000, failed 0, dropped 0"))
                .isEqualTo(1);
    }

    @Test
    void httpClientsThatResendFromNextIndexGetEveryEventDeliveredAndAcceptedIsWhatTheObserverReceived()
            throws Exception {
        Path out = root.resolve("archive.jsonl");
        dist.writeManifest("""
                reload: {watch: false}
                ingest:
                  http: {port: 0, threads: 10, max_wait: 20ms}
                observers:
                  - name: archive
                    type: jsonl-sink
                    config: {path: %s}
                  - name: slow
                    type: slow
                    config: {delay_us: 50}
                """.formatted(out));
        Started host = dist.start("run", "--config", dist.manifest().toString());
        int clients = 10;
        int perClient = 10_001; // 100,010 events in requests of up to 1,000
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger unavailable = new AtomicInteger();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> LISTENING.matcher(host.stderr()).find());
            Matcher listening = LISTENING.matcher(host.stderr());
            assertThat(listening.find()).isTrue();
            URI events = URI.create("http://127.0.0.1:" + listening.group(1) + "/v1/events");
            HttpClient http = HttpClient.newHttpClient();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String model = "c" + c;
                done.add(pool.submit(() -> {
                    for (int from = 0; from < perClient; from += 1_000) {
                        List<String> batch = IntStream.range(from, Math.min(perClient, from + 1_000))
                                .mapToObj(i -> event(model, i)).collect(Collectors.toList());
                        // A client that resends from next_index after each 503 (at once: Retry-After is advice).
                        while (!batch.isEmpty()) {
                            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(events)
                                    .header("Content-Type", "application/x-ndjson")
                                    .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", batch))).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            accepted.addAndGet(number(answer.body(), "accepted"));
                            if (answer.statusCode() == 503) {
                                unavailable.incrementAndGet();
                                batch = batch.subList(number(answer.body(), "next_index"), batch.size());
                            } else {
                                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
                                batch = List.of();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : done) {
                client.get();
            }
            pool.shutdown();
        } finally {
            host.process().destroy(); // SIGTERM: the host drains every lane
        }
        Result result = host.await(60);
        List<String> lines = Files.readAllLines(out);
        assertThat(unavailable.get()).as("requests answered 503").isPositive();
        assertThat(lines).hasSize(accepted.get());
        Set<String> seen = new HashSet<>();
        for (String line : lines) {
            Matcher event = LATENCY.matcher(line);
            assertThat(event.find()).as(line).isTrue();
            seen.add(event.group(1) + "/" + event.group(2));
        }
        assertThat(seen).hasSize(clients * perClient);
        assertThat(result.count("observer 'archive' stopped; received " + accepted.get() + ", delivered "
                + accepted.get() + ", failed 0, dropped 0")).as(result.stderr()).isEqualTo(1);
    }

    private static int number(String json, String field) {
        Matcher matcher = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        if (!matcher.find()) {
            throw new AssertionError("no " + field + " in " + json);
        }
        return Integer.parseInt(matcher.group(1));
    }
}
