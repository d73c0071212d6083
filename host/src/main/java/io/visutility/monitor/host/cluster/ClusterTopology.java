package io.visutility.monitor.host.cluster;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.host.ingest.IngestCounter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The cluster's Kafka Streams topology: each record of the events topic is checked; one that is
 * not a valid event goes to the dead-letter topic with its reason in headers; a valid one keyed by
 * its model goes straight on, one with another key (or none) is re-keyed by its model through a
 * repartition topic ({@code <application_id>-by-model-repartition}), so that each model's events
 * are processed in order on one host; then each event is handed to the host's bus.
 */
final class ClusterTopology {

    /** The header that names why a dead letter was rejected ({@code malformed}, {@code invalid_field}, ...). */
    static final String REASON_HEADER = "monitor.reason";
    /** The header with the rejection's message. */
    static final String MESSAGE_HEADER = "monitor.error";
    /** The source name in metrics. */
    static final String SOURCE = "kafka";

    private ClusterTopology() {
    }

    /**
     * @param deliver called with each valid event on its stream thread; may block (the stream then
     *                stops polling), and throws to fail the record
     * @param counter told about each accepted and rejected record (source {@code kafka})
     */
    static Topology build(String topic, String deadLetterTopic, Consumer<ModelMetricEvent> deliver,
                          IngestCounter counter) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<byte[], CheckedRecord> checked = builder
                .stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("records"))
                .processValues(Check::new, Named.as("check"));
        Map<String, KStream<byte[], CheckedRecord>> kinds = checked.split(Named.as("kind-"))
                .branch((key, record) -> record instanceof CheckedRecord.Invalid, Branched.as("invalid"))
                .branch((key, record) -> ((CheckedRecord.Valid) record).keyedByModel(), Branched.as("keyed"))
                .defaultBranch(Branched.as("rekey"));

        kinds.get("kind-invalid")
                .processValues(() -> new DeadLetter(counter), Named.as("dead-letter"))
                .to(deadLetterTopic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dead-letters"));

        KStream<String, ModelMetricEvent> keyed = kinds.get("kind-keyed")
                .map((key, record) -> KeyValue.pair(model(record), ((CheckedRecord.Valid) record).event()),
                        Named.as("keyed-events"));
        KStream<String, ModelMetricEvent> rekeyed = kinds.get("kind-rekey")
                .map((key, record) -> KeyValue.pair(model(record), ((CheckedRecord.Valid) record).value()),
                        Named.as("by-model"))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("by-model"))
                .processValues(Recheck::new, Named.as("recheck"));
        // One stream from both: Streams then puts partition p of the topic and of the repartition topic
        // in one task, so a model's keyed and re-keyed events reach the same host, in one order.
        keyed.merge(rekeyed, Named.as("events")).foreach((model, event) -> {
            deliver.accept(event);
            counter.accepted(SOURCE, 1);
        }, Named.as("deliver"));
        return builder.build();
    }

    private static String model(CheckedRecord record) {
        return ((CheckedRecord.Valid) record).event().model().name();
    }

    /** Reads each record's value as an event. */
    private static final class Check extends ContextualFixedKeyProcessor<byte[], byte[], CheckedRecord> {
        @Override
        public void process(FixedKeyRecord<byte[], byte[]> record) {
            context().forward(record.withValue(CheckedRecord.check(record.key(), record.value(), record.timestamp())));
        }
    }

    /** Reads a re-keyed record again: it was valid before the repartition topic, and its key is now its model. */
    private static final class Recheck extends ContextualFixedKeyProcessor<String, byte[], ModelMetricEvent> {
        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            CheckedRecord checked = CheckedRecord.check(record.key().getBytes(StandardCharsets.UTF_8),
                    record.value(), record.timestamp());
            if (checked instanceof CheckedRecord.Valid valid) {
                context().forward(record.withValue(valid.event()));
            } else {
                throw new IllegalStateException("a record that was valid before repartitioning is not: " + checked);
            }
        }
    }

    /** The record's original value, with why it was rejected in its headers. */
    private static final class DeadLetter extends ContextualFixedKeyProcessor<byte[], CheckedRecord, byte[]> {
        private final IngestCounter counter;

        DeadLetter(IngestCounter counter) {
            this.counter = counter;
        }

        @Override
        public void process(FixedKeyRecord<byte[], CheckedRecord> record) {
            CheckedRecord.Invalid invalid = (CheckedRecord.Invalid) record.value();
            FixedKeyRecord<byte[], byte[]> letter = record.withValue(invalid.value());
            letter.headers().add(REASON_HEADER, invalid.reason().label().getBytes(StandardCharsets.UTF_8));
            letter.headers().add(MESSAGE_HEADER, invalid.message().getBytes(StandardCharsets.UTF_8));
            counter.rejected(SOURCE, invalid.reason(), 1);
            context().forward(letter);
        }
    }
}
