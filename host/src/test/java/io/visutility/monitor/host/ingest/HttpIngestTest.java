package io.visutility.monitor.host.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visutility.monitor.host.bus.DispatchMode;
import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.EventFilter;
import io.visutility.monitor.host.bus.Registration;
import io.visutility.monitor.host.manifest.HttpIngestSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A real HTTP server on 127.0.0.1 in front of a bus whose one observer is stuck, with the default (blocking) lane. */
class HttpIngestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String event(int index) {
        return "{\"type\":\"concept_drift\",\"model\":\"m\",\"version\":\"v" + index + "\",\"p_value\":0.5}";
    }

    private static HttpResponse<String> post(HttpIngest http, List<String> lines) throws Exception {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/v1/events"))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyOfHalfAMillionBadLinesListsTheFirstHundredErrorsAndCountsTheRest() throws Exception {
        EventBus bus = new EventBus();
        List<String> lines = new java.util.ArrayList<>(java.util.Collections.nCopies(500_000, "1"));
        lines.set(250_000, event(7)); // one good event in the middle is still taken
        List<String> delivered = new CopyOnWriteArrayList<>();
        Registration lane = bus.register("all", EventFilter.ALL, event -> delivered.add(event.model().version()),
                DispatchPolicy.SYNC);
        try (HttpIngest http = HttpIngest.start(new HttpIngestSpec("127.0.0.1", 0, Optional.empty(), 1 << 20, 2,
                Duration.ofSeconds(5), true, "test"), bus, Clock.systemUTC(), () -> null, IngestCounter.NONE,
                HttpIngest.MetricsWriter.NONE)) {
            HttpResponse<String> answer = post(http, lines);

            assertThat(answer.statusCode()).isEqualTo(202);
            JsonNode body = JSON.readTree(answer.body());
            assertThat(body.get("accepted").asInt()).isEqualTo(1);
            assertThat(body.get("rejected").asInt()).isEqualTo(499_999);
            assertThat(body.get("errors")).hasSize(HttpIngest.LISTED_ERRORS);
            assertThat(body.get("errors_omitted").asInt()).isEqualTo(499_999 - HttpIngest.LISTED_ERRORS);
            assertThat(body.get("errors").get(0).get("error").asText()).isEqualTo("expected a JSON object");
            assertThat(answer.body().length()).isLessThan(10_000);
        } finally {
            lane.close();
        }
        assertThat(delivered).containsExactly("v7");
    }

    @Test
    void aRequestThatFindsNoRoomWithinMaxWaitGets503WithTheExactPrefixAndAResendDeliversTheRest() throws Exception {
        EventBus bus = new EventBus();
        CountDownLatch release = new CountDownLatch(1);
        List<String> delivered = new CopyOnWriteArrayList<>();
        Registration stuck = bus.register("stuck", EventFilter.ALL, event -> {
            release.await();
            delivered.add(event.model().version());
        }, new DispatchPolicy(DispatchMode.ASYNC, 2, DispatchPolicy.DEFAULT.whenFull(), Optional.empty(),
                5, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(10)));
        // Index 1 is not an event: it is rejected, and counts in the indices the answer gives.
        List<String> lines = IntStream.range(0, 12).mapToObj(i -> i == 1 ? "{\"type\":\"nope\"}" : event(i))
                .collect(Collectors.toList());
        try (HttpIngest http = HttpIngest.start(new HttpIngestSpec("127.0.0.1", 0, Optional.empty(), 1 << 20, 2,
                Duration.ofMillis(300), true, "test"), bus, Clock.systemUTC(), () -> null, IngestCounter.NONE,
                HttpIngest.MetricsWriter.NONE)) {
            HttpResponse<String> full = post(http, lines);

            assertThat(full.statusCode()).isEqualTo(503);
            assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
            JsonNode answer = JSON.readTree(full.body());
            int next = answer.get("next_index").asInt();
            // One event in onEvent and two in the lane's ring: the rest waited 300 ms in all, not each.
            assertThat(next).isBetween(3, 5);
            assertThat(answer.get("accepted").asInt()).isEqualTo(next - 1);
            assertThat(answer.get("rejected").asInt()).isEqualTo(1);
            assertThat(answer.get("errors").get(0).get("index").asInt()).isEqualTo(1);

            release.countDown();
            HttpResponse<String> resent = post(http, lines.subList(next, lines.size()));

            assertThat(resent.statusCode()).isEqualTo(202);
            assertThat(JSON.readTree(resent.body()).get("accepted").asInt()).isEqualTo(lines.size() - next);
        } finally {
            stuck.close();
        }
        // Every event once, in order: the 503 placed exactly the prefix it reported.
        assertThat(delivered).containsExactlyElementsOf(IntStream.range(0, 12).filter(i -> i != 1)
                .mapToObj(i -> "v" + i).collect(Collectors.toList()));
        assertThat(stuck.stats().droppedTotal()).isZero();
    }
}
