package io.visutility.monitor.host.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.host.ingest.IngestCounter;
import io.visutility.monitor.host.ingest.RejectReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cluster's topology in Kafka Streams' test driver: what reaches the bus, what goes to the dead letters. */
class ClusterTopologyTest {

    private final List<ModelMetricEvent> delivered = new ArrayList<>();
    private final Map<String, Long> rejected = new ConcurrentHashMap<>();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> events;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        IngestCounter counter = new IngestCounter() {
            @Override
            public void accepted(String source, long count) {
                assertThat(source).isEqualTo("kafka");
            }

            @Override
            public void rejected(String source, RejectReason reason, long count) {
                rejected.merge(source + " " + reason.label(), count, Long::sum);
            }
        };
        Properties properties = KafkaIngest.properties(new io.visutility.monitor.host.manifest.KafkaIngestSpec(
                "unused:9092", "model-metrics", "test-app", io.visutility.monitor.host.manifest.KafkaIngestSpec.Guarantee.EXACTLY_ONCE,
                "dead-letters", 0, java.util.Optional.empty(), Map.of(), "test"));
        driver = new TopologyTestDriver(ClusterTopology.build("model-metrics", "dead-letters", delivered::add, counter),
                properties);
        events = driver.createInputTopic("model-metrics", new ByteArraySerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic("dead-letters", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private static String latency(String model, int ms) {
        return "{\"type\":\"inference_latency\",\"model\":\"" + model + "\",\"version\":\"v1\",\"latency_ms\":" + ms + "}";
    }

    @Test
    void eventsKeyedByTheirModelOrNotReachTheBusEachModelInOrder() {
        Instant at = Instant.parse("2026-11-26T10:00:00Z");
        events.pipeInput(bytes("a"), bytes(latency("a", 1)), at);
        events.pipeInput(null, bytes(latency("b", 1)), at);          // no key: re-keyed by its model
        events.pipeInput(bytes("wrong"), bytes(latency("a", 2)), at); // another key: re-keyed
        events.pipeInput(bytes("b"), bytes(latency("b", 2)), at);

        Map<String, List<Long>> byModel = delivered.stream().map(InferenceLatency.class::cast).collect(
                Collectors.groupingBy(event -> event.model().name(), Collectors.mapping(InferenceLatency::latencyMs,
                        Collectors.toList())));
        assertThat(delivered).hasSize(4);
        // The test driver runs the repartition at once, so each model's records keep the topic's order.
        assertThat(byModel).containsEntry("a", List.of(1L, 2L)).containsEntry("b", List.of(1L, 2L));
        // An event without ts takes its record's timestamp.
        assertThat(delivered).allSatisfy(event -> assertThat(event.timestamp()).isEqualTo(at));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void recordsThatAreNotEventsGoToTheDeadLettersWithTheirReasonAndDoNotStopTheStream() {
        events.pipeInput(bytes("a"), bytes("not json"));
        events.pipeInput(bytes("a"), bytes("{\"type\":\"inference_latency\",\"model\":\"a\",\"version\":\"v1\",\"latency_ms\":-1}"));
        events.pipeInput(bytes("a"), new byte[] {(byte) 0xC3, (byte) 0x28});
        events.pipeInput(bytes("a"), (byte[]) null);
        events.pipeInput(bytes("a"), bytes("{\"x\":\"" + "y".repeat(70_000) + "\"}"));
        events.pipeInput(bytes("a"), bytes(latency("a", 5)));

        List<TestRecord<byte[], byte[]>> letters = deadLetters.readRecordsToList();
        assertThat(letters).extracting(letter -> header(letter, ClusterTopology.REASON_HEADER))
                .containsExactly("malformed", "invalid_field", "not_utf8", "malformed", "too_long");
        assertThat(header(letters.get(1), ClusterTopology.MESSAGE_HEADER)).contains("latency_ms");
        assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not json");
        assertThat(rejected).containsEntry("kafka malformed", 2L).containsEntry("kafka invalid_field", 1L)
                .containsEntry("kafka not_utf8", 1L).containsEntry("kafka too_long", 1L);
        assertThat(delivered).hasSize(1);
    }

    @Test
    void keyedAndReKeyedEventsAreDeliveredByOneSubTopologySoOneTaskPerPartition() {
        // Different sub-topologies are different tasks (0_p, 1_p), which Streams may give to different
        // hosts: a model with keyed and unkeyed records would then be split between two hosts.
        TopologyDescription description = ClusterTopology.build("model-metrics", "dead-letters", event -> { },
                IngestCounter.NONE).describe();
        List<Integer> delivering = description.subtopologies().stream()
                .filter(sub -> sub.nodes().stream().anyMatch(node -> node.name().equals("deliver")))
                .map(TopologyDescription.Subtopology::id).toList();
        assertThat(delivering).hasSize(1);
        assertThat(description.subtopologies().stream().filter(sub -> sub.id() == delivering.get(0)).findFirst()
                .orElseThrow().nodes()).anyMatch(node -> node.name().equals("records"));
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
