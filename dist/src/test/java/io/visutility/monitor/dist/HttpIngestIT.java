package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.dist.Distribution.Started;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distribution's HTTP ingest, with a real HTTP client on loopback. */
class HttpIngestIT {

    private static final String TOKEN = "s3cret-token";
    private static final String EVENT = "{\"type\":\"concept_drift\",\"model\":\"m\",\"version\":\"v1\",\"p_value\":0.5}";

    @TempDir
    Path root;

    private Started host;
    private URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        Distribution dist = new Distribution(root);
        dist.writeManifest("""
                reload: {watch: false}
                ingest:
                  http: {port: 0, token: "${MONITOR_TOKEN}", max_body_bytes: 4096}
                observers:
                  - name: console
                    type: console-logger
                  - name: model-metrics
                    type: prometheus-model-metrics
                """);
        host = dist.start(Map.of("MONITOR_TOKEN", TOKEN), "run", "--config", dist.manifest().toString());
        Pattern listening = Pattern.compile("http ingest listening on 127\\.0\\.0\\.1:(\\d+)");
        await().atMost(Duration.ofSeconds(30)).until(() -> listening.matcher(host.stderr()).find());
        Matcher matcher = listening.matcher(host.stderr());
        assertThat(matcher.find()).isTrue();
        base = URI.create("http://127.0.0.1:" + matcher.group(1));
    }

    @AfterEach
    void stop() {
        host.process().destroy();
    }

    private HttpResponse<String> post(String contentType, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/v1/events"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void acceptsOneEventAnArrayAndNdjsonKeepingTheValidOnes() throws Exception {
        HttpResponse<String> one = post("application/json", EVENT.replace("\"m\"", "\"single\""), TOKEN);
        assertThat(one.statusCode()).isEqualTo(202);
        assertThat(one.body()).isEqualTo("{\"accepted\":1,\"rejected\":0,\"errors\":[]}");

        HttpResponse<String> array = post("application/json; charset=utf-8",
                "[" + EVENT.replace("\"m\"", "\"arr\"") + ",{\"type\":\"concept_drift\",\"model\":\"m\",\"version\":\"v1\","
                        + "\"p_value\":1.7}]", TOKEN);
        assertThat(array.statusCode()).isEqualTo(202);
        assertThat(array.body()).isEqualTo("{\"accepted\":1,\"rejected\":1,\"errors\":[{\"index\":1,"
                + "\"error\":\"p_value must be in [0, 1], got 1.7\"}]}");

        HttpResponse<String> ndjson = post("application/x-ndjson", "{oops\n" + EVENT.replace("\"m\"", "\"nd\"") + "\n",
                TOKEN);
        assertThat(ndjson.statusCode()).isEqualTo(202);
        assertThat(ndjson.body()).startsWith("{\"accepted\":1,\"rejected\":1,\"errors\":[{\"index\":0,"
                + "\"error\":\"not valid JSON");

        await().atMost(Duration.ofSeconds(15)).until(() -> host.stderr().contains("concept_drift single@v1")
                && host.stderr().contains("concept_drift arr@v1") && host.stderr().contains("concept_drift nd@v1"));
    }

    @Test
    void tenConcurrentClientsPostingAHundredThousandEventsAreAllAccountedFor() throws Exception {
        int clients = 10;
        int requestsPerClient = 250;
        int eventsPerRequest = 40; // within the 4096-byte body limit of this manifest
        String body = (EVENT + "\n").repeat(eventsPerRequest);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong accepted = new AtomicLong();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    for (int r = 0; r < requestsPerClient; r++) {
                        HttpResponse<String> response = post("application/x-ndjson", body, TOKEN);
                        assertThat(response.statusCode()).isEqualTo(202);
                        Matcher count = Pattern.compile("\"accepted\":(\\d+)").matcher(response.body());
                        assertThat(count.find()).isTrue();
                        accepted.addAndGet(Long.parseLong(count.group(1)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(accepted).hasValue((long) clients * requestsPerClient * eventsPerRequest);

        host.process().destroy(); // SIGTERM: lanes drain, then each observer logs its counters
        String stderr = host.await(60).stderr();
        Matcher stopped = Pattern.compile("observer 'console' stopped; received (\\d+), delivered (\\d+), "
                + "failed (\\d+), dropped (\\d+)").matcher(stderr);
        assertThat(stopped.find()).as(stderr.lines().filter(l -> !l.contains("observer.console")).toList().toString())
                .isTrue();
        long received = Long.parseLong(stopped.group(1));
        assertThat(received).isEqualTo(accepted.get());
        assertThat(Long.parseLong(stopped.group(2)) + Long.parseLong(stopped.group(3))
                + Long.parseLong(stopped.group(4))).isEqualTo(received);
    }

    private String metrics() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/metrics"))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertValidExposition(response.body());
        return response.body();
    }

    /** Prometheus' own parser and linter: {@code promtool check metrics} (Debian's prometheus package). */
    private static void assertValidExposition(String metrics) throws Exception {
        Process promtool;
        try {
            promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool not found: install Debian's prometheus package (.ci/run does)", e);
        }
        try (OutputStream in = promtool.getOutputStream()) {
            in.write(metrics.getBytes(StandardCharsets.UTF_8));
        }
        String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor()).as("promtool check metrics: %s", verdict).isZero();
    }

    private static double sample(String metrics, String series) {
        return metrics.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(
                line -> Double.parseDouble(line.substring(series.length() + 1).split(" ")[0])).findFirst()
                .orElse(Double.NaN);
    }

    @Test
    void metricsAreValidExpositionAndMoveAsEventsFlow() throws Exception {
        String before = metrics();
        assertThat(before).contains("jvm_memory_used_bytes", "# TYPE monitor_observer_delivered_total counter",
                "monitor_plugins_loaded " + Distribution.bundledPlugins().size() + ".0");
        String latency = "{\"type\":\"inference_latency\",\"model\":\"m\",\"version\":\"v1\",\"latency_ms\":%d}\n";
        String body = (EVENT + "\n").repeat(28) + latency.formatted(40) + latency.formatted(2000) + "{bad\n";
        assertThat(post("application/x-ndjson", body, TOKEN).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(15)).until(() ->
                sample(metrics(), "monitor_observer_delivered_total{observer=\"model-metrics\"}") == 30.0);
        await().atMost(Duration.ofSeconds(15)).until(() ->
                sample(metrics(), "monitor_observer_delivered_total{observer=\"console\"}") == 30.0);
        String after = metrics();
        assertThat(sample(after, "monitor_events_received_total{source=\"http\"}")).isEqualTo(30.0);
        assertThat(sample(after, "monitor_events_rejected_total{reason=\"malformed\",source=\"http\"}")).isEqualTo(1.0);
        assertThat(sample(after, "monitor_http_requests_total{status=\"202\"}")).isEqualTo(1.0);
        assertThat(sample(after, "monitor_observer_received_total{observer=\"console\"}")).isEqualTo(30.0);
        assertThat(sample(after, "monitor_observer_dropped_total{observer=\"console\",reason=\"queue_full\"}"))
                .isEqualTo(0.0);
        assertThat(sample(after, "monitor_observer_queued{observer=\"console\"}")).isEqualTo(0.0);
        // a call's time is recorded before it counts as delivered
        assertThat(sample(after, "monitor_observer_processing_seconds_count{observer=\"console\"}")).isEqualTo(30.0);
        assertThat(sample(after, "monitor_observer_processing_seconds_bucket{observer=\"console\",le=\"+Inf\"}"))
                .isEqualTo(30.0);
        // the model metrics plugin: latency in seconds per model version, the last p-value
        assertThat(sample(after, "model_inference_latency_seconds_count{model=\"m\",version=\"v1\"}")).isEqualTo(2.0);
        assertThat(sample(after, "model_inference_latency_seconds_sum{model=\"m\",version=\"v1\"}")).isEqualTo(2.04);
        assertThat(sample(after, "model_inference_latency_seconds_bucket{model=\"m\",version=\"v1\",le=\"0.05\"}"))
                .isEqualTo(1.0);
        assertThat(sample(after, "model_concept_drift_p_value{model=\"m\",version=\"v1\"}")).isEqualTo(0.5);
    }

    @Test
    void answersEachFailureWithItsStatus() throws Exception {
        assertThat(post("application/json", "[{\"type\":\"nope\"}]", TOKEN).statusCode()).isEqualTo(400);
        assertThat(post("application/json", "not json", TOKEN).statusCode()).isEqualTo(400);
        HttpResponse<String> noToken = post("application/json", EVENT.replace("\"m\"", "\"sneaky\""), null);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(post("application/json", EVENT.replace("\"m\"", "\"sneaky\""), "wrong").statusCode())
                .isEqualTo(401);
        assertThat(post("text/plain", EVENT, TOKEN).statusCode()).isEqualTo(415);
        assertThat(post("application/x-ndjson", (EVENT + "\n").repeat(100), TOKEN).statusCode()).isEqualTo(413);

        HttpResponse<String> get = client.send(HttpRequest.newBuilder(base.resolve("/v1/events")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        for (String path : List.of("/healthz", "/metrics")) {
            HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
            assertThat(anonymous.body()).as(path).isEqualTo("{\"error\":\"missing or wrong bearer token\"}");
        }
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/healthz"))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\",\"problems\":[],\"last_reload_error\":null,"
                + "\"reload\":{\"last_error\":null,\"last_failed_jar\":null}}");
        HttpResponse<String> lowerCaseScheme = client.send(HttpRequest.newBuilder(base.resolve("/healthz"))
                .header("Authorization", "bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(lowerCaseScheme.statusCode()).as("the scheme is case-insensitive").isEqualTo(200);
        HttpResponse<String> upperCaseToken = client.send(HttpRequest.newBuilder(base.resolve("/healthz"))
                .header("Authorization", "Bearer " + TOKEN.toUpperCase(java.util.Locale.ROOT)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(upperCaseToken.statusCode()).as("the token is not").isEqualTo(401);

        assertThat(host.stderr()).doesNotContain("sneaky");
        assertThat(post("application/json", EVENT, TOKEN).statusCode()).isEqualTo(202); // still serving
    }
}
