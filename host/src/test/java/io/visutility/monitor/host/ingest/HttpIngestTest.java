package io.visutility.monitor.host.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.visutility.monitor.host.bus.DispatchMode;
import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.DropReason;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.EventFilter;
import io.visutility.monitor.host.bus.OverflowPolicy;
import io.visutility.monitor.host.bus.Registration;
import io.visutility.monitor.host.manifest.HttpIngestSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A real HTTP server on 127.0.0.1 in front of a bus whose one observer is stuck. */
class HttpIngestTest {

    private static final String EVENT = "{\"type\":\"concept_drift\",\"model\":\"m\",\"version\":\"v1\",\"p_value\":0.5}";

    @Test
    void aBlockingLaneThatStaysFullAnswers429WithRetryAfter() throws Exception {
        EventBus bus = new EventBus();
        CountDownLatch release = new CountDownLatch(1);
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        Registration stuck = bus.register("stuck", EventFilter.ALL, event -> release.await(),
                new DispatchPolicy(DispatchMode.ASYNC, 2, OverflowPolicy.BLOCK, Duration.ofMillis(5),
                        d.failuresBeforePause(), d.pause(), d.maxPause(), d.shutdownTimeout()));
        try (HttpIngest http = HttpIngest.start(new HttpIngestSpec("127.0.0.1", 0, Optional.empty(), 1 << 20, 2, true, "test"),
                bus, Clock.systemUTC(), () -> null, IngestCounter.NONE, HttpIngest.MetricsWriter.NONE)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/v1/events"))
                            .header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofString((EVENT + "\n").repeat(10))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(response.body()).isEqualTo("{\"accepted\":10,\"rejected\":0,\"errors\":[]}");
            // one event in onEvent, two queued, the other seven waited 5 ms each and were dropped
            // (six if the lane took the second event with the first, eight if the lane thread had
            // not taken the first event within those 5 ms)
            assertThat(stuck.stats().dropped(DropReason.BLOCK_TIMEOUT)).isBetween(6L, 8L);
        } finally {
            release.countDown();
            stuck.close();
        }
    }
}
