package io.visutility.monitor.host.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.EventFilter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JsonLinesReplayTest {

    @Test
    void aReplayHeldBackByASlowObserverReportsItsProgressAndTheObserverItWaitsFor() throws Exception {
        EventBus bus = new EventBus();
        CountDownLatch release = new CountDownLatch(1);
        List<ModelMetricEvent> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        bus.register("slow-sink", EventFilter.ALL, event -> {
            release.await();
            received.add(event);
        }, new DispatchPolicy(d.mode(), 16, d.whenFull(), d.blockTimeout(), d.failuresBeforePause(), d.pause(),
                d.maxPause(), d.shutdownTimeout()));
        String line = "{\"type\":\"concept_drift\",\"model\":\"a\",\"version\":\"v1\",\"p_value\":0.5}\n";
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        JsonLinesReplay replay = new JsonLinesReplay(bus, Clock.systemUTC(), IngestCounter.NONE,
                new PrintStream(progress, true, StandardCharsets.UTF_8), Duration.ofMillis(100));

        CompletableFuture<ReplaySummary> summary = CompletableFuture.supplyAsync(() -> {
            try {
                return replay.replay(new ByteArrayInputStream(line.repeat(100).getBytes(StandardCharsets.UTF_8)),
                        "events.jsonl");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> progress.toString(StandardCharsets.UTF_8)
                .contains("slowest observer 'slow-sink'"));
        assertThat(summary).isNotDone(); // it waits for room: nothing is dropped
        // The batch the lane took (its first event in onEvent) and the ring's 16: every event emitted waits.
        java.util.regex.Matcher first = java.util.regex.Pattern.compile(
                        "replay of events\\.jsonl: (\\d+) events in 0 s, \\d+/s; slowest observer 'slow-sink' has (\\d+) waiting")
                .matcher(progress.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow());
        assertThat(first.matches()).isTrue();
        assertThat(Integer.parseInt(first.group(1))).isBetween(17, 32).isEqualTo(Integer.parseInt(first.group(2)));

        release.countDown();
        assertThat(summary.get()).isEqualTo(new ReplaySummary(100, 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 100);
        assertThat(bus.stats().get(0).droppedTotal()).isZero();
    }

    @Test
    void emitsGoodLinesInOrderAndCountsBadOnes() throws Exception {
        EventBus bus = new EventBus();
        List<ModelMetricEvent> received = new ArrayList<>();
        bus.register("all", EventFilter.ALL, received::add, DispatchPolicy.SYNC);
        String input = """
                {"type":"inference_latency","model":"a","version":"v1","latency_ms":1}
                {"type":"inference_latency","model":"a","version":"v1","latency_ms":-1}

                {"type":"concept_drift","model":"a","version":"v1","p_value":0.5}
                not json at all
                {"type":"accuracy_drift","model":"b","version":"v2","drift":0.2}
                """;
        Clock clock = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

        ReplaySummary summary = new JsonLinesReplay(bus, clock)
                .replay(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), "events.jsonl");

        assertThat(summary).isEqualTo(new ReplaySummary(3, 2));
        assertThat(summary).hasToString("replayed 3 events, rejected 2");
        assertThat(received).extracting(ModelMetricEvent::type)
                .containsExactly("inference_latency", "concept_drift", "accuracy_drift");
        assertThat(received).allSatisfy(e -> assertThat(e.timestamp()).isEqualTo(clock.instant()));
    }

    @Test
    void rejectsALineThatIsTooLongOrNotUtf8AndKeepsTheLinesAroundIt() throws Exception {
        EventBus bus = new EventBus();
        List<ModelMetricEvent> received = new ArrayList<>();
        bus.register("all", EventFilter.ALL, received::add, DispatchPolicy.SYNC);
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        String good = "{\"type\":\"concept_drift\",\"model\":\"a\",\"version\":\"v1\",\"p_value\":0.5}";
        input.write((good + "\r\n").getBytes(StandardCharsets.UTF_8));
        input.write(("{\"type\":\"concept_drift\",\"model\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}\n")
                .getBytes(StandardCharsets.UTF_8));
        input.write(good.replace("\"a\"", "\"b\"").getBytes(StandardCharsets.UTF_8));
        input.write('\n');
        input.write("{\"type\":\"concept_drift\",\"model\":\"".getBytes(StandardCharsets.UTF_8));
        input.write(new byte[] {(byte) 0xff, (byte) 0xfe});
        input.write("\",\"version\":\"v1\",\"p_value\":0.5}\n".getBytes(StandardCharsets.UTF_8));
        input.write(good.replace("\"a\"", "\"c\"").getBytes(StandardCharsets.UTF_8)); // no final line break
        List<String> reasons = new ArrayList<>();
        IngestCounter counter = new IngestCounter() {
            @Override
            public void accepted(String source, long events) {
            }

            @Override
            public void rejected(String source, RejectReason reason, long events) {
                reasons.add(source + " " + reason.label() + " " + events);
            }
        };

        ReplaySummary summary = new JsonLinesReplay(bus, Clock.systemUTC(), counter, null, JsonLinesReplay.PROGRESS_EVERY)
                .replay(new ByteArrayInputStream(input.toByteArray()), "events.jsonl");

        assertThat(summary).isEqualTo(new ReplaySummary(3, 2));
        assertThat(reasons).containsExactly("replay too_long 1", "replay not_utf8 1");
        assertThat(received).extracting(event -> event.model().name()).containsExactly("a", "b", "c");
    }

    @Test
    void aStreamWithoutAnyLineBreakIsOneLineBoundedInMemory() throws Exception {
        byte[] endless = new byte[3 * EventJson.MAX_LINE_BYTES + 17];
        java.util.Arrays.fill(endless, (byte) 'x');
        BoundedLineReader lines = new BoundedLineReader(new ByteArrayInputStream(endless), EventJson.MAX_LINE_BYTES);

        assertThat(lines.next()).isEqualTo(new BoundedLineReader.Rejected(RejectReason.TOO_LONG,
                "line of " + endless.length + " bytes is longer than the limit of " + EventJson.MAX_LINE_BYTES));
        assertThat(lines.next()).isNull();
    }

    @Test
    void aLineAtTheLimitPassesWithEitherLineEndingAndOneByteMoreDoesNot() throws Exception {
        String atLimit = "x".repeat(EventJson.MAX_LINE_BYTES);
        byte[] input = (atLimit + "\r\n" + atLimit + "\n" + atLimit + "y\r\n").getBytes(StandardCharsets.UTF_8);
        BoundedLineReader lines = new BoundedLineReader(input, EventJson.MAX_LINE_BYTES);

        assertThat(lines.next()).isEqualTo(new BoundedLineReader.Text(atLimit));
        assertThat(lines.next()).isEqualTo(new BoundedLineReader.Text(atLimit));
        assertThat(lines.next()).isEqualTo(new BoundedLineReader.Rejected(RejectReason.TOO_LONG, "line of " + (EventJson.MAX_LINE_BYTES + 1)
                + " bytes is longer than the limit of " + EventJson.MAX_LINE_BYTES));
        assertThat(lines.next()).isNull();
    }
}
