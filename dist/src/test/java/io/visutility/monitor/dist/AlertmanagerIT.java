package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visutility.monitor.dist.Distribution.Started;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model health into a real Alertmanager (Debian's {@code prometheus-alertmanager}, started here
 * on a free port): drift fires a {@code ModelDrift} alert, a newer model version resolves it.
 */
class AlertmanagerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALERTMANAGER = "prometheus-alertmanager";

    @TempDir
    Path root;

    private Process alertmanager;
    private Started host;
    private URI alertmanagerUrl;
    private URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        Path binary = Path.of("/usr/bin", ALERTMANAGER);
        String missing = "this test needs Debian's prometheus-alertmanager: apt-get install prometheus-alertmanager "
                + "(.ci/run installs it)";
        if (!Files.isExecutable(binary)) {
            assertThat(System.getenv("CI")).as(missing).isNull(); // on CI: a failure, not a skip
            Assumptions.abort(missing);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = Files.writeString(root.resolve("alertmanager.yml"), """
                route: {receiver: nobody}
                receivers: [{name: nobody}]
                """);
        alertmanager = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.path=" + root.resolve("am-data"), "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=").redirectErrorStream(true)
                .redirectOutput(root.resolve("alertmanager.log").toFile()).start();
        alertmanagerUrl = URI.create("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> get(alertmanagerUrl.resolve("/-/ready")).statusCode() == 200);

        Distribution dist = new Distribution(root);
        dist.writeManifest("""
                reload: {watch: false}
                http: {port: 0}
                alerts:
                  alertmanager: {url: "%s", resend: 1s}
                observers:
                  - name: retrain-on-concept-drift
                    type: retraining-trigger
                    events: [concept_drift]
                    strategy:
                      type: p-value
                      config: {alpha: 0.01}
                """.formatted(alertmanagerUrl));
        host = dist.start(Map.of(), "run", "--config", dist.manifest().toString());
        Pattern listening = Pattern.compile("http ingest listening on 127\\.0\\.0\\.1:(\\d+)");
        await().atMost(Duration.ofSeconds(30)).until(() -> listening.matcher(host.stderr()).find());
        Matcher matcher = listening.matcher(host.stderr());
        assertThat(matcher.find()).isTrue();
        base = URI.create("http://127.0.0.1:" + matcher.group(1));
    }

    @AfterEach
    void stop() {
        if (host != null) {
            host.process().destroy();
        }
        if (alertmanager != null) {
            alertmanager.destroy();
        }
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void post(String ndjson) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/v1/events"))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(ndjson))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    /** Alertmanager's active ModelDrift alerts. */
    private List<JsonNode> modelDriftAlerts() throws Exception {
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode alert : JSON.readTree(get(alertmanagerUrl.resolve("/api/v2/alerts")).body())) {
            if (alert.at("/labels/alertname").asText().equals("ModelDrift")
                    && alert.at("/status/state").asText().equals("active")) {
                alerts.add(alert);
            }
        }
        return alerts;
    }

    @Test
    void driftFiresAModelDriftAlertAndANewerModelVersionResolvesIt() throws Exception {
        post(Files.readString(Distribution.HOME.resolve("examples/events.jsonl")));

        await().atMost(Duration.ofSeconds(30)).until(() -> !modelDriftAlerts().isEmpty());
        List<JsonNode> alerts = modelDriftAlerts();
        assertThat(alerts).hasSize(1);
        JsonNode alert = alerts.get(0);
        assertThat(JSON.convertValue(alert.get("labels"), Map.class)).isEqualTo(Map.of(
                "alertname", "ModelDrift", "model", "object_detector", "version", "v1.2.3",
                "observer", "retrain-on-concept-drift", "strategy", "p-value", "severity", "critical"));
        assertThat(alert.at("/annotations/reason").asText()).isEqualTo("concept drift p-value 0.003 <= alpha 0.01");
        assertThat(alert.at("/annotations/at").asText()).isEqualTo("2026-11-26T10:29:00Z");
        assertThat(Double.parseDouble(alert.at("/annotations/score").asText())).isGreaterThan(1);

        // the retrained model is live: the drift of v1.2.3 ends, and the alert is resolved
        post("{\"type\":\"inference_latency\",\"model\":\"object_detector\",\"version\":\"v1.3.0\","
                + "\"latency_ms\":150,\"ts\":\"2026-11-26T10:31:00Z\"}\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> modelDriftAlerts().isEmpty());
        assertThat(host.stderr()).doesNotContain("cannot post");
    }
}
