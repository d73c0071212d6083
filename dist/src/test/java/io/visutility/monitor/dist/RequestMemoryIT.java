package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.dist.Distribution.Started;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request's memory is bounded by a small multiple of its body: eight concurrent 1 MiB bodies,
 * NDJSON of 524,288 bad lines and JSON arrays of 349,525 empty objects, twice each, against a
 * host with a 256 MiB heap. Each is answered with the first 100 errors and a count of the rest,
 * and the host still serves.
 */
class RequestMemoryIT {

    @TempDir
    Path root;

    @Test
    void concurrentBodiesOfHalfAMillionBadLinesFitIn256MiB() throws Exception {
        Distribution dist = new Distribution(root);
        dist.writeManifest("""
                reload: {watch: false}
                ingest:
                  http: {port: 0, threads: 8}
                observers:
                  - name: console
                    type: console-logger
                """);
        Started host = dist.start(Map.of("JAVA_OPTS", "-Xmx256m"), "run", "--config", dist.manifest().toString());
        try {
            Pattern listening = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
            await().atMost(Duration.ofSeconds(30)).until(() -> listening.matcher(host.stderr()).find());
            Matcher port = listening.matcher(host.stderr());
            assertThat(port.find()).isTrue();
            String base = "http://127.0.0.1:" + port.group(1);
            HttpClient client = HttpClient.newHttpClient();
            // 1 MiB each, the default max_body_bytes: NDJSON lines, and a JSON array of empty objects.
            String lines = "1\n".repeat(1 << 19);
            String array = "[" + "{},".repeat((1 << 20) / 3 - 1) + "{}]";
            int elements = (1 << 20) / 3;
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                for (int round = 0; round < 4; round++) {
                    boolean ndjson = round % 2 == 0;
                    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        answers.add(pool.submit(() -> client.send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                                        .header("Content-Type", ndjson ? "application/x-ndjson" : "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(ndjson ? lines : array)).build(),
                                HttpResponse.BodyHandlers.ofString())));
                    }
                    int bad = ndjson ? 1 << 19 : elements;
                    for (Future<HttpResponse<String>> answer : answers) {
                        HttpResponse<String> response = answer.get();
                        assertThat(response.statusCode()).isEqualTo(400);
                        assertThat(response.body()).startsWith("{\"accepted\":0,\"rejected\":" + bad + ",\"errors\":[")
                                .endsWith("\"errors_omitted\":" + (bad - 100) + "}");
                    }
                }
            } finally {
                pool.shutdown();
            }
            HttpResponse<String> valid = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"type\":\"concept_drift\",\"model\":\"m\",\"version\":\"v1\",\"p_value\":0.5}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(valid.statusCode()).isEqualTo(202);
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(host.stderr()).doesNotContain("OutOfMemoryError");
        } finally {
            host.process().destroyForcibly();
        }
    }
}
