package io.visutility.monitor.host.cluster;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.ingest.IngestCounter;
import io.visutility.monitor.host.manifest.KafkaIngestSpec;
import io.visutility.monitor.host.manifest.ManifestException;
import io.visutility.monitor.host.web.StreamHealth;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's share of a topic of events ({@code ingest.kafka}): a Kafka Streams application
 * ({@link ClusterTopology}) whose instances, one per host with the same {@code application_id},
 * divide the topic's partitions among themselves and take over each other's when one goes.
 *
 * <p>Backpressure: the stream thread places each event on the bus and waits for room in full
 * lanes (their default {@code block}), so the stream stops polling while the lanes are full;
 * Streams keeps its group membership as long as one record takes less than
 * {@code max.poll.interval.ms}. Observers see the events of this host's partitions at least once
 * across a rebalance or a restart after a clean stop; see the cluster section of the operations
 * guide for what a crash loses.
 *
 * <p>Thread-safety: {@link #state()} and {@link #partitions()} may be called from any thread;
 * {@link #close()} once, from the thread that stops the host.
 */
public final class KafkaIngest implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaIngest.class);
    /** How long the start waits for the broker to list its topics. */
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final EventBus bus;
    private final String topic;
    private volatile boolean closing;
    /** The stream threads waiting in {@link #place} now, for {@link #close} to interrupt. */
    private final Set<Thread> placing = ConcurrentHashMap.newKeySet();
    /** Rebalances this host took part in; written by Streams' state listener only. */
    private final AtomicLong rebalances = new AtomicLong();

    private KafkaIngest(KafkaIngestSpec spec, EventBus bus, IngestCounter counter) {
        this.bus = bus;
        this.topic = spec.topic();
        this.streams = new KafkaStreams(
                ClusterTopology.build(spec.topic(), spec.deadLetterTopic(), this::place, counter), properties(spec));
        // One line per state change, with what this host reads once it runs: a rebalance shows in the log.
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.REBALANCING) {
                rebalances.incrementAndGet();
            }
            LOG.info("ingest.kafka: {} -> {}{}", before, now,
                    now == KafkaStreams.State.RUNNING ? ", reading " + partitions() : "");
        });
        streams.setUncaughtExceptionHandler(failure -> {
            if (!closing) {
                LOG.error("ingest.kafka: a stream thread failed; this host stops reading the topic", failure);
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /**
     * Starts reading {@code spec.topic()} with the hosts that share its application id.
     *
     * @throws ManifestException if no broker answers within 30 s, or the topic or the dead-letter
     *                           topic does not exist (Streams would stop at its first rebalance)
     */
    public static KafkaIngest start(KafkaIngestSpec spec, EventBus bus, IngestCounter counter) throws ManifestException {
        requireTopics(spec);
        KafkaIngest ingest = new KafkaIngest(spec, bus, counter);
        ingest.streams.start();
        LOG.info("ingest.kafka: reading topic '{}' from {} as '{}' ({})", spec.topic(), spec.bootstrap(),
                spec.applicationId(), spec.guarantee().name().toLowerCase(java.util.Locale.ROOT));
        return ingest;
    }

    private static void requireTopics(KafkaIngestSpec spec) throws ManifestException {
        Map<String, Object> admin = new StreamsConfig(properties(spec)).getAdminConfigs("visutility-monitor-check");
        try (Admin client = Admin.create(admin)) {
            Set<String> topics = client.listTopics(new ListTopicsOptions().timeoutMs((int) CHECK_TIMEOUT.toMillis()))
                    .names().get(CHECK_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            for (String topic : List.of(spec.topic(), spec.deadLetterTopic())) {
                if (!topics.contains(topic)) {
                    throw new ManifestException(spec.where() + ": ingest.kafka: topic '" + topic + "' does not exist on "
                            + spec.bootstrap() + "; create it first");
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new ManifestException(spec.where() + ": ingest.kafka: no broker at " + spec.bootstrap()
                    + " answered within " + CHECK_TIMEOUT.toSeconds() + " s: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManifestException(spec.where() + ": ingest.kafka: interrupted while checking the topics");
        }
    }

    /** The Streams properties of a manifest block: the block's keys, then its {@code properties} over them. */
    static Properties properties(KafkaIngestSpec spec) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, spec.applicationId());
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrap());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                spec.guarantee() == KafkaIngestSpec.Guarantee.EXACTLY_ONCE
                        ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        properties.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, spec.standbyReplicas());
        spec.stateDir().ifPresent(dir -> properties.put(StreamsConfig.STATE_DIR_CONFIG, dir));
        // A new application starts at the beginning of the topic: nothing written before the first host started is skipped.
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        properties.putAll(spec.properties());
        return properties;
    }

    /**
     * Hands one event to the bus, waiting for room as long as it takes: one wait, not a retry per
     * timeout, since a retry would place the event again in the lanes that took it the first time.
     * {@link #close} interrupts the wait.
     */
    private void place(ModelMetricEvent event) {
        placing.add(Thread.currentThread());
        try {
            if (!closing) { // "stop vs wait": close sets closing, then interrupts the threads in placing
                bus.emit(event);
            }
        } finally {
            placing.remove(Thread.currentThread());
        }
        if (Thread.interrupted() || closing) {
            // Perhaps not placed everywhere: its offset is not committed, so the host that reads the
            // partition next gets it again (at least once).
            throw new IllegalStateException("ingest.kafka: the host is stopping; event not placed: " + event);
        }
    }

    /** Streams' state of this host: {@code CREATED}, {@code REBALANCING}, {@code RUNNING}, {@code ERROR}, ... */
    public String state() {
        return streams.state().name();
    }

    /** The stream's state and partitions now, for {@code /healthz}. */
    public Optional<StreamHealth> health() {
        return Optional.of(new StreamHealth(state(), partitions()));
    }

    /** The partitions of the events topic this host reads now, as {@code topic-partition}, sorted. */
    public List<String> partitions() {
        TreeSet<String> partitions = new TreeSet<>();
        streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks()
                .forEach(task -> task.topicPartitions().stream().filter(partition -> partition.topic().equals(topic))
                        .map(TopicPartition::toString).forEach(partitions::add)));
        return List.copyOf(partitions);
    }

    /** How many rebalances this host has gone through since it started. */
    public long rebalances() {
        return rebalances.get();
    }

    /**
     * Each partition of the events topic this host reads, with how many records it trails that
     * partition's end by (the consumer's {@code records-lag}), as {@code topic-partition}.
     */
    public Map<String, Double> lag() {
        Map<String, Double> lag = new TreeMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (name.name().equals("records-lag") && topic.equals(name.tags().get("topic"))
                    && metric.metricValue() instanceof Double value && !value.isNaN()) {
                lag.put(topic + "-" + name.tags().get("partition"), value);
            }
        });
        return lag;
    }

    /**
     * Stops reading: Streams commits what it processed (the events already on the bus) and leaves
     * the group, so the other hosts take this host's partitions.
     */
    @Override
    public void close() {
        closing = true;
        placing.forEach(Thread::interrupt); // a stream thread waiting for room in full lanes stops waiting
        // Leaving the group at once hands this host's partitions over now, not once the group notices it gone.
        if (!streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)))) {
            LOG.warn("ingest.kafka: the stream did not stop within 30 s");
        }
    }
}
