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
 * A request's memory is bounded by a small multiple of its body: eight concurrent 1 MiB bodies of
 * 524,288 bad lines each, three times over, against a host with a 256 MiB heap. Each is answered
 * with the first 100 errors and a count of the rest, and the host still serves.
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
            String body = "1\n".repeat(1 << 19); // 1 MiB, the default max_body_bytes
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                for (int round = 0; round < 3; round++) {
                    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        answers.add(pool.submit(() -> client.send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                                        .header("Content-Type", "application/x-ndjson")
                                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString())));
                    }
                    for (Future<HttpResponse<String>> answer : answers) {
                        HttpResponse<String> response = answer.get();
                        assertThat(response.statusCode()).isEqualTo(400);
                        assertThat(response.body()).startsWith("{\"accepted\":0,\"rejected\":524288,\"errors\":[")
                                .endsWith("\"errors_omitted\":524188}");
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
