package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.visutility.monitor.dist.Distribution.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook sink and the retraining trigger's actions, run by the distribution against real endpoints. */
class SinksIT {

    @TempDir
    Path root;

    private Distribution dist;
    private HttpServer server;
    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        dist = new Distribution(root);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
                exchange.sendResponseHeaders(202, -1);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void theWebhookSinkPostsEverySampleEventInBatchesInOrder() throws Exception {
        dist.writeManifest("""
                observers:
                  - name: hook
                    type: webhook
                    config:
                      url: %s
                      batch_size: 7
                      headers: ["Authorization: Bearer abc"]
                """.formatted(url("/events")));
        Path sample = Distribution.HOME.resolve("examples/events.jsonl");

        Result result = dist.run("run", "--config", dist.manifest().toString(), "--replay", sample.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        // 60 events in batches of 7: eight full arrays, then the rest sent at stop
        assertThat(bodies).hasSize(9);
        List<String> posted = new ArrayList<>();
        for (String body : bodies) {
            assertThat(body).startsWith("[").endsWith("]");
            posted.addAll(List.of(body.substring(1, body.length() - 1).split("(?<=}),(?=\\{)")));
        }
        assertThat(posted).isEqualTo(Files.readAllLines(sample));
        assertThat(authorizations).containsOnly("Bearer abc");
    }

    @Test
    void theRetrainingTriggerRunsItsCommandAndPostsItsWebhookOnDrift() throws Exception {
        Path marker = root.resolve("retrained.txt");
        Path script = dist.writeFile("retrain.sh", "#!/bin/sh\necho \"$1 $2 $3\" >> " + marker + "\necho done\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        dist.writeManifest("""
                observers:
                  - name: retrain-exec
                    type: retraining-trigger
                    events: [concept_drift]
                    strategy: {type: p-value, config: {alpha: 0.01}}
                    config: {action: exec, command: [%s, "{model}", "{version}", "{strategy}"], timeout: 10s}
                  - name: retrain-hook
                    type: retraining-trigger
                    events: [concept_drift]
                    strategy: {type: p-value, config: {alpha: 0.01}}
                    config: {action: webhook, url: %s}
                """.formatted(script, url("/retrain")));
        Path sample = Distribution.HOME.resolve("examples/events.jsonl");

        Result result = dist.run("run", "--config", dist.manifest().toString(), "--replay", sample.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(Files.readAllLines(marker)).containsExactly("object_detector v1.2.3 p-value");
        assertThat(result.stderr()).contains(
                "retraining action exec model=object_detector version=v1.2.3 exit=0 output=done",
                "retraining action webhook model=object_detector version=v1.2.3 status=202");
        assertThat(bodies).singleElement().satisfies(body -> assertThat(body).contains(
                "\"model\":\"object_detector\"", "\"version\":\"v1.2.3\"", "\"strategy\":\"p-value\"",
                "\"at\":\"2026-11-26T10:20:00Z\""));
    }
}
