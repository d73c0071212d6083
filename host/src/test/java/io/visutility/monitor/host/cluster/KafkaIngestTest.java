package io.visutility.monitor.host.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.EventFilter;
import io.visutility.monitor.host.ingest.IngestCounter;
import io.visutility.monitor.host.manifest.KafkaIngestSpec;
import io.visutility.monitor.host.manifest.ManifestException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts' ingest (two buses in one JVM) sharing a topic on a real KRaft broker in the test JVM:
 * they divide its partitions, each model's events reach one host in order, bad records go to the
 * dead-letter topic, and when one host stops the other takes its partitions over.
 */
class KafkaIngestTest {

    private static final int PARTITIONS = 6;
    private static KafkaClusterTestKit kafka;

    @TempDir
    Path state;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    private KafkaIngestSpec spec(String topic, String host) {
        return new KafkaIngestSpec(kafka.bootstrapServers(), topic, "app-" + topic, KafkaIngestSpec.Guarantee.EXACTLY_ONCE,
                topic + "-dead", 0, Optional.of(state.resolve(host).toString()),
                Map.of("commit.interval.ms", "100",
                        "consumer." + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000",
                        "consumer.heartbeat.interval.ms", "500"), "test");
    }

    private static void createTopics(String topic) throws Exception {
        try (var admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1),
                    new NewTopic(topic + "-dead", 1, (short) 1))).all().get();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] latency(String model, int ms) {
        return ("{\"type\":\"inference_latency\",\"model\":\"" + model + "\",\"version\":\"v1\",\"latency_ms\":" + ms
                + ",\"ts\":\"2026-11-26T10:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** One host: a bus with one observer that records what it gets. */
    private static final class Host {
        final EventBus bus = new EventBus();
        final List<InferenceLatency> got = new CopyOnWriteArrayList<>();
        KafkaIngest ingest;

        Host() {
            bus.register("recorder", EventFilter.ALL, event -> got.add((InferenceLatency) event), DispatchPolicy.DEFAULT);
        }
    }

    @Test
    void twoHostsShareTheTopicEachModelInOrderOnOneHostAndTheOtherTakesOverWhenOneStops() throws Exception {
        String topic = "shared";
        createTopics(topic);
        Host first = new Host();
        Host second = new Host();
        first.ingest = KafkaIngest.start(spec(topic, "first"), first.bus, IngestCounter.NONE);
        second.ingest = KafkaIngest.start(spec(topic, "second"), second.bus, IngestCounter.NONE);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> first.ingest.state().equals("RUNNING")
                    && second.ingest.state().equals("RUNNING")
                    && first.ingest.partitions().size() + second.ingest.partitions().size() == PARTITIONS
                    && !first.ingest.partitions().isEmpty() && !second.ingest.partitions().isEmpty());

            int models = 40;
            int perModel = 50;
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                for (int i = 0; i < perModel; i++) {
                    for (int m = 0; m < models; m++) {
                        String model = "model-" + m;
                        // Some keyed by their model, some with no key: those are re-keyed by model.
                        byte[] key = m % 2 == 0 ? model.getBytes(StandardCharsets.UTF_8) : null;
                        producer.send(new ProducerRecord<>(topic, key, latency(model, i)));
                    }
                }
                producer.send(new ProducerRecord<>(topic, null, "not json".getBytes(StandardCharsets.UTF_8)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> first.got.size() + second.got.size() >= models * perModel);

            assertThat(first.got.size() + second.got.size()).isEqualTo(models * perModel);
            assertThat(first.got).isNotEmpty();
            assertThat(second.got).isNotEmpty();
            Set<String> onFirst = models(first.got);
            assertThat(onFirst).doesNotContainAnyElementsOf(models(second.got));
            for (Host host : List.of(first, second)) {
                Map<String, List<Long>> byModel = new ConcurrentHashMap<>();
                host.got.forEach(event -> byModel.computeIfAbsent(event.model().name(), m -> new ArrayList<>())
                        .add(event.latencyMs()));
                byModel.forEach((model, sequence) -> {
                    assertThat(sequence).as(model).hasSize(perModel);
                    if (Integer.parseInt(model.substring("model-".length())) % 2 == 0) {
                        // Keyed by its model: one partition, in the producer's order. (An unkeyed model's
                        // records come from several partitions, so the repartition topic sets their order.)
                        assertThat(sequence).as(model).isSorted();
                    }
                });
            }
            assertThat(deadLetters(topic + "-dead")).containsExactly("malformed:not json");

            // The first host stops (a clean stop: its processed offsets are committed); the second takes over.
            first.ingest.close();
            first.ingest = null;
            await().atMost(Duration.ofSeconds(60)).until(() -> second.ingest.partitions().size() == PARTITIONS);
            int before = second.got.size();
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                for (String model : onFirst) {
                    producer.send(new ProducerRecord<>(topic, model.getBytes(StandardCharsets.UTF_8), latency(model, perModel)));
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> second.got.size() >= before + onFirst.size());
            assertThat(models(second.got.subList(before, second.got.size()))).isEqualTo(onFirst);
            assertThat(second.ingest.rebalances()).isGreaterThanOrEqualTo(2); // the start, and the takeover
            await().atMost(Duration.ofSeconds(30)).until(() -> second.ingest.lag().keySet()
                    .equals(Set.copyOf(second.ingest.partitions())));
            assertThat(second.ingest.lag().values()).allMatch(lag -> lag == 0.0);
        } finally {
            if (first.ingest != null) {
                first.ingest.close();
            }
            second.ingest.close();
        }
    }

    @Test
    void aTopicThatDoesNotExistIsOneClearErrorAtStart() {
        assertThatThrownBy(() -> KafkaIngest.start(spec("nowhere", "x"), new EventBus(), IngestCounter.NONE))
                .isInstanceOf(ManifestException.class)
                .hasMessage("test: ingest.kafka: topic 'nowhere' does not exist on " + kafka.bootstrapServers()
                        + "; create it first");
    }

    private static Set<String> models(List<InferenceLatency> events) {
        Set<String> names = new HashSet<>();
        events.forEach(event -> names.add(event.model().name()));
        return names;
    }

    private static List<String> deadLetters(String topic) {
        List<String> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    letters.add(new String(record.headers().lastHeader(ClusterTopology.REASON_HEADER).value(),
                            StandardCharsets.UTF_8) + ":" + new String(record.value(), StandardCharsets.UTF_8));
                }
                return !letters.isEmpty();
            });
        }
        return letters;
    }
}
