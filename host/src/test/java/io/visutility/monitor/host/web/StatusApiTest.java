package io.visutility.monitor.host.web;

import static io.visutility.monitor.host.testing.PluginJar.plugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.host.Monitor;
import io.visutility.monitor.host.ingest.HttpIngest;
import io.visutility.monitor.host.ingest.IngestCounter;
import io.visutility.monitor.host.testing.Journal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API and the page's files on a real listener, for a real monitor with a plugin from a jar. */
class StatusApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "t0ken";
    private static final ModelVersion V1 = new ModelVersion("detector", "v1");
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final String MANIFEST = """
            plugins: {dir: ../plugins}
            reload: {watch: false}
            http: {port: 0, token: %s, ingest: false}
            observers:
              - name: detect
                type: recorder
                dispatch: {mode: sync}
                config: {label: %s}
            """;

    @TempDir
    Path root;

    private Path manifest;
    private Monitor monitor;
    private HttpIngest http;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Journal.clear();
        Path plugins = Files.createDirectories(root.resolve("plugins"));
        plugin("recorders").observer("recorder").writeTo(plugins.resolve("recorders.jar"));
        manifest = Files.createDirectories(root.resolve("conf")).resolve("monitor.yaml");
        Files.writeString(manifest, MANIFEST.formatted(TOKEN, "first"));
        monitor = Monitor.start(manifest);
        http = HttpListener.start(monitor.manifest().http().orElseThrow(), monitor, Clock.systemUTC(),
                IngestCounter.NONE, HttpIngest.MetricsWriter.NONE);
    }

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
        if (monitor != null) {
            monitor.close();
        }
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<String> response = get(path, TOKEN);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private String health(String version) throws Exception {
        for (JsonNode model : json("/v1/models").get("models")) {
            if (model.get("version").asText().equals(version)) {
                return model.get("health").asText();
            }
        }
        return null;
    }

    @Test
    void aReportedDriftIsTheModelsHealthAcrossAHotReloadUntilANewerVersionSendsEvents() throws Exception {
        monitor.bus().emit(new InferenceLatency(V1, 120, T0));
        monitor.bus().emit(new ConceptDrift(V1, 0.001, T0.plusSeconds(60)));
        // the health comes from the observer, the events through the host's own (async) lane
        await().atMost(Duration.ofSeconds(10)).until(() -> "drift".equals(health("v1"))
                && json("/v1/models").at("/models/0/events").asLong() == 2);
        JsonNode model = json("/v1/models").get("models").get(0);
        assertThat(model.get("last_trigger").asText()).isEqualTo("2026-11-26T10:01:00Z");
        assertThat(model.get("latency_p95_ms").asDouble()).isEqualTo(120);
        assertThat(model.at("/observers/0/observer").asText()).isEqualTo("detect");

        // a config edit replaces the observer instance; the host keeps the health
        Files.writeString(manifest, MANIFEST.formatted(TOKEN, "second"));
        assertThat(monitor.reloadManifest()).isTrue();
        assertThat(Journal.lines()).contains("detect #2 start 1.0.0 label=second");
        assertThat(health("v1")).isEqualTo("drift");
        assertThat(json("/v1/reloads").at("/reloads/0/kind").asText()).isEqualTo("manifest");
        assertThat(json("/v1/reloads").at("/reloads/0/ok").asBoolean()).isTrue();

        monitor.bus().emit(new InferenceLatency(new ModelVersion("detector", "v2"), 90, T0.plusSeconds(120)));
        await().atMost(Duration.ofSeconds(10)).until(() -> "ok".equals(health("v1")));
    }

    @Test
    void theSeriesOfAModelVersionAndItsErrors() throws Exception {
        monitor.bus().emit(new InferenceLatency(V1, 120, T0));
        monitor.bus().emit(new ConceptDrift(V1, 0.001, T0.plusSeconds(15)));
        await().atMost(Duration.ofSeconds(10)).until(() -> "drift".equals(health("v1"))
                && json("/v1/models").at("/models/0/events").asLong() == 2);
        JsonNode series = json("/v1/series?model=detector&version=v1&range=1h");
        assertThat(series.get("bucket_seconds").asInt()).isEqualTo(10);
        assertThat(series.get("t")).hasSize(2);
        assertThat(series.get("t").get(0).asLong()).isEqualTo(T0.getEpochSecond());
        assertThat(series.at("/p99/0").asDouble()).isEqualTo(120);
        assertThat(series.at("/p_value/1").asDouble()).isCloseTo(0.001, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(series.at("/triggers/0").asLong()).isEqualTo(T0.getEpochSecond() + 10);
        assertThat(series.at("/count/1").isNull()).isTrue();
        assertThat(json("/v1/series?model=detector&version=v1&range=24h").get("t")).hasSize(1);

        assertThat(get("/v1/series?model=detector", TOKEN).statusCode()).isEqualTo(400);
        assertThat(get("/v1/series?model=detector&version=v1&range=7d", TOKEN).body())
                .isEqualTo("{\"error\":\"range must be 1h or 24h, got '7d'\"}");
        assertThat(get("/v1/series?model=nobody&version=v1", TOKEN).statusCode()).isEqualTo(404);
        assertThat(get("/v1/models/extra", TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void theApiNeedsTheTokenThePageDoesNot() throws Exception {
        for (String path : Set.of("/v1/models", "/v1/series?model=a&version=b", "/v1/observers", "/v1/plugins",
                "/v1/reloads", "/healthz")) {
            HttpResponse<String> response = get(path, null);
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(response.body()).isEqualTo("{\"error\":\"missing or wrong bearer token\"}");
            assertThat(get(path, "wrong").statusCode()).as(path).isEqualTo(401);
        }
        for (String path : Set.of("/", "/model", "/static/status.js", "/static/status.css", "/static/uPlot.min.js",
                "/static/uPlot.min.css")) {
            HttpResponse<String> response = get(path, null);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy ->
                    assertThat(policy).contains("script-src 'self'"));
        }
        assertThat(get("/", null).body()).contains("<title>VisuTility Monitor</title>");
        assertThat(get("/nothing-here", null).statusCode()).isEqualTo(404);
        assertThat(get("/v1/events", TOKEN).statusCode()).as("ingest: false").isEqualTo(404);
    }

    @Test
    void observersAndPluginsAreListed() throws Exception {
        monitor.bus().emit(new InferenceLatency(V1, 120, T0));
        JsonNode observers = json("/v1/observers");
        assertThat(observers.at("/observers/0/name").asText()).isEqualTo("detect");
        assertThat(observers.at("/observers/0/mode").asText()).isEqualTo("sync");
        assertThat(observers.at("/observers/0/dropped_by_reason").has("queue_full")).isTrue();
        assertThat(observers.at("/status_lane/name").asText()).isEqualTo("status");
        JsonNode plugins = json("/v1/plugins");
        assertThat(plugins.at("/plugins/0/id").asText()).isEqualTo("recorders");
        assertThat(plugins.at("/plugins/0/sha256").asText()).hasSize(64);
        assertThat(plugins.at("/plugins/0/observer_types/0").asText()).isEqualTo("recorder");
        assertThat(plugins.get("failed")).isEmpty();
    }

    @Test
    void aJarReloadThatFailsShowsOnHealthzAndInTheReloads() throws Exception {
        assertThat(json("/healthz").toString()).isEqualTo("{\"status\":\"ok\",\"problems\":[],"
                + "\"last_reload_error\":null,\"reload\":{\"last_error\":null,\"last_failed_jar\":null}}");
        plugin("recorders").version("2.0.0").observer("recorder").attribute("Plugin-Requires", ">=99.0.0")
                .writeTo(root.resolve("plugins/recorders.jar"));
        monitor.jarsChanged(Set.of(), Set.of(), Set.of("recorders.jar"));

        JsonNode health = json("/healthz");
        assertThat(health.get("status").asText()).isEqualTo("degraded");
        assertThat(health.at("/problems/0/component").asText()).isEqualTo("plugins");
        assertThat(health.at("/problems/0/message").asText()).startsWith("recorders.jar: ");
        JsonNode failed = health.at("/reload/last_failed_jar");
        assertThat(failed.get("subject").asText()).isEqualTo("recorders.jar");
        assertThat(failed.get("ok").asBoolean()).isFalse();
        assertThat(failed.get("message").asText()).startsWith("not loaded: ").endsWith("recorders 1.0.0 kept");
        assertThat(json("/v1/reloads").get("reloads").get(0)).isEqualTo(failed);
    }
}
