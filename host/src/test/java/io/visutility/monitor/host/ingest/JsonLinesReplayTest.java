package io.visutility.monitor.host.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.EventFilter;
import java.io.BufferedReader;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesReplayTest {

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
                .replay(new BufferedReader(new StringReader(input)), "events.jsonl");

        assertThat(summary).isEqualTo(new ReplaySummary(3, 2));
        assertThat(summary).hasToString("replayed 3 events, rejected 2");
        assertThat(received).extracting(ModelMetricEvent::type)
                .containsExactly("inference_latency", "concept_drift", "accuracy_drift");
        assertThat(received).allSatisfy(e -> assertThat(e.timestamp()).isEqualTo(clock.instant()));
    }
}
