package io.visutility.monitor.host.ingest;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.host.bus.EventBus;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits the events of a JSON-lines stream (a file or stdin) on a bus, in order. A line that is
 * not a valid event (bad JSON or field, invalid UTF-8, longer than {@link EventJson#MAX_LINE_BYTES})
 * is logged with its line number and reason and counted; the lines around it are still processed.
 * Blank lines are skipped. Each event waits for room in full lanes for as long as it takes (a replay
 * is a batch): nothing it emits is dropped by a lane that blocks, which is the default.
 *
 * <p>Not thread-safe: one replay reads one stream on the calling thread.
 */
public final class JsonLinesReplay {

    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesReplay.class);

    private final EventBus bus;
    private final Clock clock;
    /** How often a replay reports its progress, when it has somewhere to report it. */
    public static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final IngestCounter counter;
    private final PrintStream progress;
    private final Duration progressEvery;
    /** Events emitted so far; written by the replaying thread only, read by the progress report. */
    private volatile long emitted;

    public JsonLinesReplay(EventBus bus, Clock clock) {
        this(bus, clock, IngestCounter.NONE, null, PROGRESS_EVERY);
    }

    /**
     * @param counter       told about each accepted and rejected line (source {@code replay})
     * @param progress      where a replay longer than {@code progressEvery} prints its progress, or null
     * @param progressEvery how often it does
     */
    public JsonLinesReplay(EventBus bus, Clock clock, IngestCounter counter, PrintStream progress,
                           Duration progressEvery) {
        this.bus = bus;
        this.clock = clock;
        this.counter = counter;
        this.progress = progress;
        this.progressEvery = progressEvery;
    }

    /**
     * Reads {@code in} to its end.
     *
     * @param source the stream's name in messages, e.g. the file name or {@code stdin}
     * @throws IOException if the stream cannot be read
     */
    public ReplaySummary replay(InputStream in, String source) throws IOException {
        if (progress == null) {
            return replayLines(in, source);
        }
        try (ReplayProgress report = ReplayProgress.start(bus, () -> emitted, progress, source, progressEvery)) {
            return replayLines(in, source);
        }
    }

    private ReplaySummary replayLines(InputStream in, String source) throws IOException {
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
            emitted = ++replayed;
        }
        return new ReplaySummary(replayed, rejected);
    }
}
