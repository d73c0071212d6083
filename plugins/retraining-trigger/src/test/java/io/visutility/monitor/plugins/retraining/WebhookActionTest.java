package io.visutility.monitor.plugins.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.ModelVersion;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code action: webhook} against a real HTTP server on the loopback interface. */
class WebhookActionTest {

    private static final ModelVersion DETECTOR = new ModelVersion("object_detector", "v1.2.3");
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final String PREFIX = "retraining action webhook model=object_detector version=v1.2.3";

    /** What the server received. */
    record Received(String method, Headers headers, String body) {
    }

    private final BlockingQueue<Integer> statuses = new LinkedBlockingQueue<>(); // 200 once empty
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch slowReleased = new CountDownLatch(1);
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private HttpServer server;
    private RetrainingTriggerObserver observer;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestHeaders(), body));
            arrivals.add(System.nanoTime());
            Integer status = statuses.poll();
            if (status != null && status == 429) {
                exchange.getResponseHeaders().set("Retry-After", "2");
            }
            exchange.sendResponseHeaders(status == null ? 200 : status, -1);
            exchange.close();
        });
        server.createContext("/slow", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestHeaders(), ""));
            try {
                slowReleased.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(serverThreads);
        server.start();
    }

    @AfterEach
    void stopAll() {
        if (observer != null) {
            observer.stop();
        }
        slowReleased.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private TestContext trigger(Map<String, ?> config) throws Exception {
        TestContext ctx = new TestContext(config, true);
        observer = new RetrainingTriggerObserver();
        observer.start(ctx);
        observer.onEvent(new ConceptDrift(DETECTOR, 0.01, T0));
        return ctx;
    }

    private static double actions(TestContext ctx, String result) {
        return ctx.metrics.value("model_retraining_actions", "retrain", "webhook", result);
    }

    @Test
    void postsTheTriggerAsJsonWithTheConfiguredHeaders() throws Exception {
        statuses.add(202);
        TestContext ctx = trigger(Map.of("action", "webhook", "url", url("/hook"),
                "headers", List.of("X-Token: s3cret", "X-Source:monitor")));

        await().atMost(Duration.ofSeconds(10)).until(() -> actions(ctx, "ok") == 1);
        assertThat(received).hasSize(1);
        Received request = received.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/json");
        assertThat(request.headers().getFirst("X-Token")).isEqualTo("s3cret");
        assertThat(request.headers().getFirst("X-Source")).isEqualTo("monitor");
        JsonNode json = new ObjectMapper().readTree(request.body());
        assertThat(json.get("model").asText()).isEqualTo("object_detector");
        assertThat(json.get("version").asText()).isEqualTo("v1.2.3");
        assertThat(json.get("strategy").asText()).isEqualTo("counting");
        assertThat(json.get("at").asText()).isEqualTo("2026-11-26T10:00:00Z");
        assertThat(json.get("reason").asText()).isEqualTo("p=0.01");
        assertThat(json.get("score").asDouble()).isEqualTo(0.01);
        assertThat(ctx.lines).containsExactly(
                "retraining triggered model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:00:00Z reason=\"p=0.01\"",
                PREFIX + " status=202");
        assertThat(ctx.metrics.value("model_retraining_triggers", "retrain", "object_detector", "v1.2.3", "counting"))
                .isEqualTo(1);
    }

    @Test
    void aServerErrorIsRetriedAndTheTriggerDeliveredOnce() throws Exception {
        statuses.add(503);
        statuses.add(200);
        TestContext ctx = trigger(Map.of("action", "webhook", "url", url("/hook")));

        await().atMost(Duration.ofSeconds(10)).until(() -> actions(ctx, "ok") == 1);
        assertThat(received).hasSize(2);
        assertThat(received.get(1).body()).isEqualTo(received.get(0).body());
        assertThat(ctx.lines).contains(PREFIX + " status=200 attempts=2");
        assertThat(actions(ctx, "failed")).isZero();
    }

    @Test
    void tooManyRequestsIsRetriedAfterTheServersRetryAfter() throws Exception {
        statuses.add(429);
        statuses.add(200);
        TestContext ctx = trigger(Map.of("action", "webhook", "url", url("/hook")));

        await().atMost(Duration.ofSeconds(10)).until(() -> actions(ctx, "ok") == 1);
        assertThat(received).hasSize(2);
        assertThat(received.get(1).body()).isEqualTo(received.get(0).body());
        assertThat(ctx.lines).contains(PREFIX + " status=200 attempts=2");
        assertThat(actions(ctx, "failed")).isZero();
        // the server's Retry-After (2 s), not the 500 ms backoff
        assertThat(arrivals.get(1) - arrivals.get(0)).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void givesUpAfterThreeAttempts() throws Exception {
        statuses.addAll(List.of(503, 502, 500));
        TestContext ctx = trigger(Map.of("action", "webhook", "url", url("/hook")));

        await().atMost(Duration.ofSeconds(10)).until(() -> actions(ctx, "failed") == 1);
        assertThat(received).hasSize(3);
        assertThat(ctx.lines).contains("WARN " + PREFIX + " failed after 3 attempts: status=500");
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        statuses.add(404);
        TestContext ctx = trigger(Map.of("action", "webhook", "url", url("/hook")));

        await().atMost(Duration.ofSeconds(10)).until(() -> actions(ctx, "failed") == 1);
        assertThat(received).hasSize(1);
        assertThat(ctx.lines).contains("WARN " + PREFIX + " failed after 1 attempt: status=404");
    }

    @Test
    void aReceiverSlowerThanTheTimeoutCountsAsAFailedAttempt() throws Exception {
        TestContext ctx = trigger(Map.of("action", "webhook", "url", url("/slow"), "timeout", "200ms"));

        await().atMost(Duration.ofSeconds(10)).until(() -> actions(ctx, "failed") == 1);
        assertThat(received).hasSize(3);
        assertThat(ctx.lines).anyMatch(line -> line.startsWith(
                "WARN " + PREFIX + " failed after 3 attempts: HttpTimeoutException"));
    }
}
