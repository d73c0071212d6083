package io.visutility.monitor.host.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.visutility.monitor.api.ModelMetricEvent;
import java.io.IOException;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;

/**
 * The events of one {@code POST /v1/events} body, read one at a time, so that a request holds in
 * memory its body and the event at hand, not one object per line: a 1 MiB body of 500,000 bad
 * lines costs no more than one of good ones.
 *
 * <p>Not thread-safe: one request reads its own.
 */
final class RequestEvents {

    /** One item of a request: its event, or why it was rejected. */
    record Item(ModelMetricEvent event, EventFormatException problem) {
    }

    /** The items of a body, in order; {@link #next} gives null after the last. */
    interface Source {
        Item next() throws IOException;
    }

    private RequestEvents() {
    }

    /** NDJSON: each line on its own (a line that is too long or not UTF-8 is rejected, the others kept); blank lines skipped. */
    static Source ndjson(byte[] body, Clock clock) {
        BoundedLineReader lines = new BoundedLineReader(body, EventJson.MAX_LINE_BYTES);
        return () -> {
            for (BoundedLineReader.Line line = lines.next(); line != null; line = lines.next()) {
                if (line instanceof BoundedLineReader.Rejected bad) {
                    return new Item(null, new EventFormatException(bad.reason(), bad.message()));
                }
                if (line instanceof BoundedLineReader.Text text && !text.text().isBlank()) {
                    try {
                        return item(EventJson.readTree(text.text()), clock);
                    } catch (EventFormatException e) {
                        return new Item(null, e);
                    }
                }
            }
            return null;
        };
    }

    /** One JSON document: an event, or an array of them, read one element at a time. */
    static Source json(String text, Clock clock) {
        EventJson.Values values;
        try {
            values = EventJson.values(text);
        } catch (EventFormatException e) {
            Iterator<Item> one = List.of(new Item(null, e)).iterator();
            return () -> one.hasNext() ? one.next() : null;
        }
        return () -> {
            try {
                JsonNode node = values.next();
                return node == null ? null : item(node, clock);
            } catch (EventFormatException e) {
                return new Item(null, e); // not after the check of the whole document; kept for safety
            }
        };
    }

    private static Item item(JsonNode node, Clock clock) {
        try {
            return new Item(EventJson.parse(node, clock.instant()), null);
        } catch (EventFormatException e) {
            return new Item(null, e);
        }
    }
}
