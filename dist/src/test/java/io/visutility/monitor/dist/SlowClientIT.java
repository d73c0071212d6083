package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.dist.Distribution.Started;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends part of a request and stops must not hold the HTTP ingest: the server
 * closes its connection after the request time limit (30 s by default; 2 s here, through the
 * documented {@code JAVA_OPTS} override), and then answers others again.
 */
class SlowClientIT {

    @TempDir
    Path root;

    @Test
    void aHalfSentRequestIsCutOffAndTheServerAnswersAgain() throws Exception {
        Distribution dist = new Distribution(root);
        dist.writeManifest("""
                reload: {watch: false}
                ingest:
                  http: {port: 0, threads: 1}
                observers:
                  - name: console
                    type: console-logger
                """);
        Started host = dist.start(Map.of("JAVA_OPTS", "-Dsun.net.httpserver.maxReqTime=2"),
                "run", "--config", dist.manifest().toString());
        try {
            Pattern listening = Pattern.compile("http ingest listening on 127\\.0\\.0\\.1:(\\d+)");
            await().atMost(Duration.ofSeconds(30)).until(() -> listening.matcher(host.stderr()).find());
            Matcher matcher = listening.matcher(host.stderr());
            assertThat(matcher.find()).isTrue();
            int port = Integer.parseInt(matcher.group(1));

            try (Socket slow = new Socket("127.0.0.1", port)) {
                OutputStream out = slow.getOutputStream();
                out.write(("POST /v1/events HTTP/1.1\r\nHost: monitor\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n{\"type\":").getBytes(StandardCharsets.UTF_8));
                out.flush();
                // the only request thread now waits for the rest of that body
                HttpClient client = HttpClient.newHttpClient();
                HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                        .timeout(Duration.ofSeconds(20)).build();
                HttpResponse<String> answer = client.send(health, HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);

                slow.setSoTimeout(20_000);
                InputStream in = slow.getInputStream();
                assertThat(in.read()).as("the half-sent request's connection is closed").isEqualTo(-1);
            }
        } finally {
            host.process().destroyForcibly();
        }
    }
}
