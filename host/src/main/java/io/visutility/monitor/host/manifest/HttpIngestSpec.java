package io.visutility.monitor.host.manifest;

import java.time.Duration;
import java.util.Optional;

/**
 * The HTTP listener: the manifest's top-level {@code http} block, or its {@code ingest.http}
 * block (the same, with ingest on). It serves the status page, the JSON API, {@code /metrics} and
 * {@code /healthz}, and, with {@code ingest}, {@code POST /v1/events}.
 *
 * @param bind         the address to listen on (default 127.0.0.1: loopback only)
 * @param port         the TCP port (default 8480; 0 picks a free one, logged at start)
 * @param token        if present, requests must carry {@code Authorization: Bearer <token>}
 * @param maxBodyBytes the largest request body accepted (default 1 MiB)
 * @param threads      request threads (default 4); requests beyond them wait in a bounded queue
 * @param maxWait      the longest one request waits in all for room in full lanes (default 5s)
 * @param ingest       whether {@code POST /v1/events} takes events (default true)
 * @param where        {@code file:line} of the block, for a message when its address cannot be listened on
 */
public record HttpIngestSpec(String bind, int port, Optional<String> token, long maxBodyBytes, int threads,
                             Duration maxWait, boolean ingest, String where) {

    /** How long a request waits for room in full lanes unless the manifest says otherwise. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(5);

    /** Whether two manifests' blocks ask for the same listener (where each block is written aside). */
    public static boolean sameListener(Optional<HttpIngestSpec> a, Optional<HttpIngestSpec> b) {
        return a.map(HttpIngestSpec::withoutWhere).equals(b.map(HttpIngestSpec::withoutWhere));
    }

    private HttpIngestSpec withoutWhere() {
        return new HttpIngestSpec(bind, port, token, maxBodyBytes, threads, maxWait, ingest, "");
    }
}
