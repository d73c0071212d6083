package io.visutility.monitor.bench;

import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.EventFilter;
import io.visutility.monitor.host.cluster.KafkaIngest;
import io.visutility.monitor.host.ingest.EventFormatException;
import io.visutility.monitor.host.ingest.EventJson;
import io.visutility.monitor.host.ingest.IngestCounter;
import io.visutility.monitor.host.manifest.KafkaIngestSpec;
import io.visutility.monitor.host.manifest.ManifestException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
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

/**
 * Events per second through the cluster ingest, on one KRaft broker in this JVM, against a plain
 * {@link KafkaConsumer} poll loop that only parses the same records (the baseline, same run, same
 * broker): one host with {@code exactly_once} and with {@code at_least_once}, then each host's
 * share of the events with 1, 2 and 3 hosts (in this JVM, each with its own bus). Each host's bus
 * has one cheap sync observer that counts. The topic has 12 partitions and 40 models, each
 * record keyed by its model.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.visutility.monitor.bench.KafkaIngestHarness [events] [rounds]}
 */
public final class KafkaIngestHarness {

    private static final String TOPIC = "model-metrics";
    private static final int PARTITIONS = 12;
    private static final int MODELS = 40;

    private KafkaIngestHarness() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path state = Files.createTempDirectory("kafka-harness");
        try (KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build()) {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            try (var admin = kafka.admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1),
                        new NewTopic("dead-letters", 1, (short) 1))).all().get();
            }
            produce(kafka.bootstrapServers(), events);
            System.out.printf("%d events, %d partitions, %d models; rates in events/s; %d rounds%n",
                    events, PARTITIONS, MODELS, rounds);
            System.out.println("round | plain consumer | exactly_once | at_least_once | eos/plain | alos/plain");
            for (int round = 1; round <= rounds; round++) {
                double plain = plainLoop(kafka.bootstrapServers(), events);
                double eos = hosts(kafka, state, events, 1, KafkaIngestSpec.Guarantee.EXACTLY_ONCE).rate();
                double alos = hosts(kafka, state, events, 1, KafkaIngestSpec.Guarantee.AT_LEAST_ONCE).rate();
                System.out.printf("%d | %.0f | %.0f | %.0f | %.2f | %.2f%n", round, plain, eos, alos, eos / plain,
                        alos / plain);
            }
            System.out.println("hosts | total events/s | each host's share of the events");
            for (int hosts = 1; hosts <= 3; hosts++) {
                Result result = hosts(kafka, state, events, hosts, KafkaIngestSpec.Guarantee.EXACTLY_ONCE);
                List<String> shares = new ArrayList<>();
                for (long got : result.perHost()) {
                    shares.add(String.format("%.0f%%", 100.0 * got / events));
                }
                System.out.printf("%d | %.0f | %s%n", hosts, result.rate(), String.join(", ", shares));
            }
        }
    }

    private static byte[] event(int model, int index) {
        return ("{\"type\":\"inference_latency\",\"model\":\"model-" + model + "\",\"version\":\"v1\",\"latency_ms\":"
                + (index % 500) + ",\"ts\":\"2026-11-26T10:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static void produce(String bootstrap, int events) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < events; i++) {
                int model = i % MODELS;
                producer.send(new ProducerRecord<>(TOPIC, ("model-" + model).getBytes(StandardCharsets.UTF_8),
                        event(model, i)));
            }
        }
    }

    /** The baseline: poll every record from the start and parse it, nothing else. */
    private static double plainLoop(String bootstrap, int events) throws EventFormatException {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "plain-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long seen = 0;
            long start = 0;
            long sink = 0;
            while (seen < events) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (start == 0) {
                        start = System.nanoTime(); // from the first record: the group join is not the loop's
                    }
                    sink += EventJson.parse(record.value(), Instant.EPOCH).model().name().length();
                    seen++;
                }
            }
            if (sink == 0) {
                throw new IllegalStateException("nothing parsed");
            }
            return events / ((System.nanoTime() - start) / 1e9);
        }
    }

    private record Result(double rate, List<Long> perHost) {
    }

    /** {@code count} hosts of a new application read the topic from the start; the rate from the first event to the last. */
    private static Result hosts(KafkaClusterTestKit kafka, Path state, int events, int count,
                                KafkaIngestSpec.Guarantee guarantee) throws InterruptedException, ManifestException {
        String application = "bench-" + UUID.randomUUID();
        List<AtomicLong> seen = new ArrayList<>();
        List<KafkaIngest> ingests = new ArrayList<>();
        AtomicLong first = new AtomicLong();
        try {
            for (int i = 0; i < count; i++) {
                EventBus bus = new EventBus();
                AtomicLong counter = new AtomicLong();
                seen.add(counter);
                bus.register("count", EventFilter.ALL, event -> {
                    if (counter.getAndIncrement() == 0) {
                        first.compareAndSet(0, System.nanoTime());
                    }
                }, DispatchPolicy.SYNC);
                ingests.add(KafkaIngest.start(new KafkaIngestSpec(kafka.bootstrapServers(), TOPIC, application,
                        guarantee, "dead-letters", 0, Optional.of(state.resolve(application + "-" + i).toString()),
                        Map.of("consumer.max.poll.records", "2000"), "bench"), bus, IngestCounter.NONE));
            }
            long total;
            while ((total = seen.stream().mapToLong(AtomicLong::get).sum()) < events) {
                Thread.sleep(5);
            }
            double rate = total / ((System.nanoTime() - first.get()) / 1e9);
            return new Result(rate, seen.stream().map(AtomicLong::get).toList());
        } finally {
            ingests.forEach(KafkaIngest::close);
        }
    }
}
