package io.visutility.monitor.plugins.webhook;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.WireFormat;
import java.util.List;

/**
 * The body of a POST: events in the wire format ({@link WireFormat}), one object or an array, so
 * the HTTP ingest of another monitor accepts these bodies as they are.
 *
 * <p>Stateless and thread-safe.
 */
final class PostBody {

    private PostBody() {
    }

    /** The body of one POST: a JSON array of the events, or the single object if {@code asArray} is false. */
    static String of(List<ModelMetricEvent> events, boolean asArray) {
        if (!asArray) {
            if (events.size() != 1) {
                throw new IllegalArgumentException("a single-object body needs exactly one event, got " + events.size());
            }
            return WireFormat.toJson(events.get(0));
        }
        StringBuilder json = new StringBuilder(2 + 128 * events.size()).append('[');
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            WireFormat.appendJson(json, events.get(i));
        }
        return json.append(']').toString();
    }
}
