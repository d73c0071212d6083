package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.dist.Distribution.Result;
import io.visutility.monitor.dist.Distribution.Started;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Hosts started from the distribution, each a process with {@code ingest.kafka} in its manifest,
 * around a real KRaft broker in the test JVM: they share a 12-partition topic carrying 40 models,
 * a third host joins mid-stream, and every event reaches a host's observer (each host logs what
 * it gets); bad records are in the dead-letter topic with their reasons.
 */
class ClusterIT {

    private static final String TOPIC = "model-metrics";
    private static final int MODELS = 40;
    private static final Pattern RUNNING = Pattern.compile("ingest\\.kafka: \\w+ -> RUNNING, reading \\[([^]]*)]");
    private static final Pattern EVENT = Pattern.compile("observer\\.console - inference_latency (model-\\d+)@v1 latency_ms=(\\d+)");
    private static KafkaClusterTestKit kafka;

    @TempDir
    Path root;

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
        try (var admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 12, (short) 1), new NewTopic("dead", 1, (short) 1)))
                    .all().get();
        }
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    /** A host from the distribution whose only observer logs each event it gets; it serves /metrics on a free port. */
    private Started host(String name) throws Exception {
        Path home = Files.createDirectories(root.resolve(name));
        Distribution dist = new Distribution(home);
        dist.writeManifest("""
                reload: {watch: false}
                ingest:
                  http: {port: 0}
                  kafka:
                    bootstrap: %s
                    topic: %s
                    application_id: cluster-it
                    dead_letter_topic: dead
                    state_dir: %s
                    properties: {commit.interval.ms: 100, %s: 6000,
                                 consumer.heartbeat.interval.ms: 500}
                observers:
                  - name: console
                    type: console-logger
                """.formatted(kafka.bootstrapServers(), TOPIC, home.resolve("streams"),
                        "consumer." + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)); // a crashed host is noticed in seconds
        return dist.start("run", "--config", dist.manifest().toString());
    }

    private static void send(int from, int to) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                for (int m = 0; m < MODELS; m++) {
                    String model = "model-" + m;
                    byte[] key = m % 4 == 0 ? null : model.getBytes(StandardCharsets.UTF_8); // some unkeyed: re-keyed
                    producer.send(new ProducerRecord<>(TOPIC, key, ("{\"type\":\"inference_latency\",\"model\":\""
                            + model + "\",\"version\":\"v1\",\"latency_ms\":" + i + ",\"ts\":\"2026-11-26T10:00:00Z\"}")
                            .getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
    }

    /** Waits until every host's latest state line says it runs with partitions, together all 12. */
    private static void awaitAllRunning(List<Started> hosts) {
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            int partitions = 0;
            for (Started host : hosts) {
                Matcher matcher = RUNNING.matcher(host.stderr());
                String last = null;
                while (matcher.find()) {
                    last = matcher.group(1);
                }
                if (last == null || last.isBlank()) {
                    return false;
                }
                partitions += last.split(", ").length;
            }
            return partitions == 12;
        });
    }

    @Test
    void hostsShareTheTopicAThirdJoinsMidStreamAndEveryEventEndsInOneSink() throws Exception {
        List<Started> hosts = new ArrayList<>();
        try {
            hosts.add(host("a"));
            hosts.add(host("b"));
            awaitAllRunning(hosts);
            send(0, 25);
            hosts.add(host("c"));
            awaitAllRunning(hosts);
            send(25, 50);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(TOPIC, null, "{\"type\":\"nope\"}".getBytes(StandardCharsets.UTF_8)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> received(hosts).size() >= MODELS * 50);

            String metrics = metrics(hosts.get(0));
            assertThat(metrics).contains("monitor_kafka_running 1.0", "monitor_kafka_rebalances_total ",
                    "monitor_kafka_lag{partition=\"model-metrics-", "monitor_events_received_total{source=\"kafka\"} ");
            assertThat(metrics).containsPattern("monitor_kafka_partitions [1-9]");
            assertThat(get(hosts.get(0), "/healthz")).contains("\"status\":\"ok\"",
                    "\"kafka\":{\"state\":\"RUNNING\",\"partitions\":[\"model-metrics-");
        } finally {
            hosts.forEach(host -> host.process().destroy()); // SIGTERM: each commits and drains
        }
        List<Integer> perHost = new ArrayList<>();
        for (Started host : hosts) {
            Result result = host.await(60);
            assertThat(result.stderr()).doesNotContain("ERROR");
            perHost.add(received(List.of(host)).size());
        }
        List<String> all = received(hosts);
        Set<String> distinct = new HashSet<>(all);
        assertThat(distinct).hasSize(MODELS * 50);
        // At least once: a rebalance may hand over a task with events processed since its last commit.
        assertThat(all).hasSizeGreaterThanOrEqualTo(MODELS * 50);
        assertThat(perHost).allMatch(count -> count > 0);
        assertThat(deadLetters()).containsExactly("unknown_type");
    }

    private static String metrics(Started host) throws Exception {
        return get(host, "/metrics");
    }

    private static String get(Started host, String path) throws Exception {
        Matcher port = Pattern.compile("http ingest listening on 127\\.0\\.0\\.1:(\\d+)").matcher(host.stderr());
        assertThat(port.find()).isTrue();
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port.group(1) + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The events the hosts' observers logged, as {@code model/latency}. */
    private static List<String> received(List<Started> hosts) throws Exception {
        List<String> events = new ArrayList<>();
        for (Started host : hosts) {
            Matcher matcher = EVENT.matcher(host.stderr());
            while (matcher.find()) {
                events.add(matcher.group(1) + "/" + matcher.group(2));
            }
        }
        return events;
    }

    private static List<String> deadLetters() {
        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("dead"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    reasons.add(new String(record.headers().lastHeader("monitor.reason").value(), StandardCharsets.UTF_8));
                }
                return !reasons.isEmpty();
            });
        }
        return reasons;
    }
}
