package io.visutility.monitor.host.manifest;

import java.util.Map;
import java.util.Optional;

/**
 * The manifest's {@code ingest.kafka} block: hosts that share {@code applicationId} share the
 * partitions of one topic through Kafka Streams.
 *
 * @param bootstrap       {@code bootstrap.servers}
 * @param topic           the topic of events, one per record in the wire format
 * @param applicationId   the Streams application id (also the consumer group); default {@code visutility-monitor}
 * @param guarantee       Streams' processing guarantee; default {@link Guarantee#EXACTLY_ONCE}
 * @param deadLetterTopic where records that are not valid events go, with their reason in a header
 *                        (default {@code monitor-dead-letters})
 * @param standbyReplicas Streams' {@code num.standby.replicas} (default 0)
 * @param stateDir        Streams' {@code state.dir}, or empty for its default
 * @param properties      any other Streams or client property (TLS, SASL, timeouts); they win over the above
 * @param where           {@code file:line} of the block, for messages
 */
public record KafkaIngestSpec(String bootstrap, String topic, String applicationId, Guarantee guarantee,
                              String deadLetterTopic, int standbyReplicas, Optional<String> stateDir,
                              Map<String, String> properties, String where) {

    /** The default {@code application_id}. */
    public static final String DEFAULT_APPLICATION_ID = "visutility-monitor";
    /** The default {@code dead_letter_topic}. */
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "monitor-dead-letters";

    public KafkaIngestSpec {
        properties = Map.copyOf(properties);
    }

    /** Streams' processing guarantees, as the manifest names them. */
    public enum Guarantee {
        /** Streams' {@code exactly_once_v2}: offsets, dead letters and repartitioned records commit together. */
        EXACTLY_ONCE,
        /** Streams' {@code at_least_once}: a record may be processed again after a crash. */
        AT_LEAST_ONCE
    }

    /** Whether two manifests' blocks ask for the same stream (where each block is written aside). */
    public static boolean sameStream(Optional<KafkaIngestSpec> a, Optional<KafkaIngestSpec> b) {
        return a.map(KafkaIngestSpec::withoutWhere).equals(b.map(KafkaIngestSpec::withoutWhere));
    }

    private KafkaIngestSpec withoutWhere() {
        return new KafkaIngestSpec(bootstrap, topic, applicationId, guarantee, deadLetterTopic, standbyReplicas,
                stateDir, properties, "");
    }
}
