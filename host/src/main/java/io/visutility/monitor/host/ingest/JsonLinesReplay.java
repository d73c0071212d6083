package io.visutility.monitor.host.ingest;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.host.bus.EventBus;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits the events of a JSON-lines stream (a file or stdin) on a bus, in order. A line that is
 * not a valid event (bad JSON or field, invalid UTF-8, longer than {@link EventJson#MAX_LINE_BYTES})
 * is logged with its line number and reason and counted; the lines around it are still processed.
 * Blank lines are skipped.
 *
 * <p>Not thread-safe: one replay reads one stream on the calling thread.
 */
public final class JsonLinesReplay {

    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesReplay.class);

    private final EventBus bus;
    private final Clock clock;
    private final IngestCounter counter;

    public JsonLinesReplay(EventBus bus, Clock clock) {
        this(bus, clock, IngestCounter.NONE);
    }

    /** @param counter told about each accepted and rejected line (source {@code replay}) */
    public JsonLinesReplay(EventBus bus, Clock clock, IngestCounter counter) {
        this.bus = bus;
        this.clock = clock;
        this.counter = counter;
    }

    /**
     * Reads {@code in} to its end.
     *
     * @param source the stream's name in messages, e.g. the file name or {@code stdin}
     * @throws IOException if the stream cannot be read
     */
    public ReplaySummary replay(InputStream in, String source) throws IOException {
        BoundedLineReader lines = new BoundedLineReader(in, EventJson.MAX_LINE_BYTES);
        long replayed = 0;
        long rejected = 0;
        long lineNumber = 0;
        for (BoundedLineReader.Line line = lines.next(); line != null; line = lines.next()) {
            lineNumber++;
            ModelMetricEvent event;
            try {
                if (line instanceof BoundedLineReader.Rejected bad) {
                    throw new EventFormatException(bad.reason(), bad.message());
                }
                String text = ((BoundedLineReader.Text) line).text();
                if (text.isBlank()) {
                    continue;
                }
                event = EventJson.parse(text, clock.instant());
            } catch (EventFormatException e) {
                rejected++;
                counter.rejected("replay", e.reason(), 1);
                LOG.warn("{}:{}: rejected: {}", source, lineNumber, e.getMessage());
                continue;
            }
            bus.emit(event);
            counter.accepted("replay", 1);
            replayed++;
        }
        return new ReplaySummary(replayed, rejected);
    }
}
