package io.visutility.monitor.host.cluster;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.host.ingest.EventFormatException;
import io.visutility.monitor.host.ingest.EventJson;
import io.visutility.monitor.host.ingest.RejectReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/** One Kafka record's value read as an event: valid, or not, with the reason. */
sealed interface CheckedRecord {

    /** A valid event, and whether the record's key already is its model's name. */
    record Valid(ModelMetricEvent event, byte[] value, boolean keyedByModel) implements CheckedRecord {
    }

    /** A record that is not a valid event: it goes to the dead-letter topic, with its reason. */
    record Invalid(RejectReason reason, String message, byte[] value) implements CheckedRecord {
    }

    /** Reads {@code value} in the event wire format; an event without {@code ts} takes the record's timestamp. */
    static CheckedRecord check(byte[] key, byte[] value, long timestamp) {
        try {
            ModelMetricEvent event = EventJson.parse(value, Instant.ofEpochMilli(timestamp));
            boolean keyed = key != null && Arrays.equals(key, event.model().name().getBytes(StandardCharsets.UTF_8));
            return new Valid(event, value, keyed);
        } catch (EventFormatException e) {
            return new Invalid(e.reason(), e.getMessage(), value);
        }
    }
}
