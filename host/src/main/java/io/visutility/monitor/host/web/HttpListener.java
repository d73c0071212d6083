package io.visutility.monitor.host.web;

import io.visutility.monitor.host.Monitor;
import io.visutility.monitor.host.ingest.HttpIngest;
import io.visutility.monitor.host.ingest.IngestCounter;
import io.visutility.monitor.host.manifest.HttpIngestSpec;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The host's one HTTP listener: ingest ({@link HttpIngest}), {@code /metrics}, {@code /healthz},
 * the JSON API ({@link StatusApi}) and the status page ({@link StatusPage}). Thread-safe: stateless.
 */
public final class HttpListener {

    private HttpListener() {
    }

    /**
     * Starts listening as {@code spec} says, for {@code monitor}.
     *
     * @param counter told of requests and of events accepted and rejected
     * @param metrics what {@code GET /metrics} answers
     * @throws IOException if the address cannot be listened on
     */
    public static HttpIngest start(HttpIngestSpec spec, Monitor monitor, Clock clock, IngestCounter counter,
                                   HttpIngest.MetricsWriter metrics) throws IOException {
        return start(spec, monitor, clock, counter, metrics, Optional::empty);
    }

    /**
     * Starts listening, with the Kafka stream's state on {@code /healthz}.
     *
     * @param stream the stream's state at each request, or empty while the host reads no topic
     */
    public static HttpIngest start(HttpIngestSpec spec, Monitor monitor, Clock clock, IngestCounter counter,
                                   HttpIngest.MetricsWriter metrics, Supplier<Optional<StreamHealth>> stream)
            throws IOException {
        return HttpIngest.start(spec, monitor.bus(), clock, () -> StatusApi.health(monitor, stream.get()), counter,
                metrics,
                listener -> {
                    StatusApi.serve(monitor, listener);
                    StatusPage.serve(listener);
                });
    }
}
