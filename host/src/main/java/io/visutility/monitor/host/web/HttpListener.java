package io.visutility.monitor.host.web;

import io.visutility.monitor.host.Monitor;
import io.visutility.monitor.host.ingest.HttpIngest;
import io.visutility.monitor.host.ingest.IngestCounter;
import io.visutility.monitor.host.manifest.HttpIngestSpec;
import java.io.IOException;
import java.time.Clock;

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
        return HttpIngest.start(spec, monitor.bus(), clock, () -> StatusApi.health(monitor), counter, metrics,
                listener -> {
                    StatusApi.serve(monitor, listener);
                    StatusPage.serve(listener);
                });
    }
}
