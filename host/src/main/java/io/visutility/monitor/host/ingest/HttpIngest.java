package io.visutility.monitor.host.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.manifest.HttpIngestSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP ingest on the JDK's {@link HttpServer}: {@code POST /v1/events} takes one JSON event, a
 * JSON array of events, or NDJSON ({@code application/x-ndjson}), in the wire format of
 * {@link EventJson}, and answers {@code 202} with
 * {@code {"accepted":N,"rejected":M,"errors":[{"index":i,"error":"..."}]}} (valid events are kept
 * even when others in the same request are not); {@code 400} when nothing is valid; {@code 401}
 * without the configured bearer token (nothing is ingested); {@code 405} for another method;
 * {@code 413} past the body limit; {@code 415} for another content type; {@code 503} with
 * {@code Retry-After} when full lanes left no room within {@code max_wait} (the body adds
 * {@code next_index}, the first event not placed, from which the client sends again). Requests beyond the
 * request threads and a queue of 64 are refused (logged). {@code GET /healthz} answers {@code 200}
 * with the host's state as JSON; {@code GET /metrics} the host's metrics in the Prometheus text
 * format. Without {@link HttpIngestSpec#ingest()} there is no {@code /v1/events}; other features
 * add their paths with {@link #serve}.
 *
 * <p>Thread-safety: requests run on a bounded pool of threads; the bus is thread-safe.
 */
public final class HttpIngest implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpIngest.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int QUEUED_REQUESTS = 64;
    /** The most rejected events an answer lists; the rest are counted in {@code errors_omitted}. */
    static final int LISTED_ERRORS = 100;
    /** The longest a request may take to arrive, or its answer to leave. */
    private static final long REQUEST_TIME_LIMIT_SECONDS = 30;

    static {
        // Without TCP_NODELAY the JDK server's responses wait on the client's delayed ACK: about
        // 40 ms per request, 12 times fewer events per second in IngestHarness. Read once, when
        // the JDK's server classes load, so it is set before the first server is made.
        defaultProperty("sun.net.httpserver.nodelay", "true");
        // Without a limit, a client that sends part of a request and stops holds a request thread
        // for ever: with all threads held, ingest, /healthz and /metrics stop answering. The JDK
        // server closes a connection whose request (or response) takes longer, in seconds.
        defaultProperty("sun.net.httpserver.maxReqTime", Long.toString(REQUEST_TIME_LIMIT_SECONDS));
        defaultProperty("sun.net.httpserver.maxRspTime", Long.toString(REQUEST_TIME_LIMIT_SECONDS));
    }

    /** Sets a JDK server property unless the user set it (with {@code JAVA_OPTS}, say). */
    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final EventBus bus;
    private final HttpIngestSpec spec;
    private final Clock clock;
    private final Supplier<? extends JsonNode> health;
    private final IngestCounter counter;
    private final MetricsWriter metrics;

    /** Writes the host's metrics in the Prometheus text format, for {@code GET /metrics}. */
    public interface MetricsWriter {
        /** Answers an empty page: for a server without telemetry. */
        MetricsWriter NONE = new MetricsWriter() {
            @Override
            public String contentType() {
                return "text/plain; charset=utf-8";
            }

            @Override
            public void write(OutputStream out) {
            }
        };

        /** The content type of what {@link #write} writes. */
        String contentType();

        void write(OutputStream out) throws IOException;
    }

    private HttpIngest(HttpIngestSpec spec, EventBus bus, Clock clock, Supplier<? extends JsonNode> health,
                       IngestCounter counter, MetricsWriter metrics) throws IOException {
        this.spec = spec;
        this.bus = bus;
        this.clock = clock;
        this.health = health;
        this.counter = counter;
        this.metrics = metrics;
        this.server = HttpServer.create(new InetSocketAddress(spec.bind(), spec.port()), 0);
        this.executor = new ThreadPoolExecutor(spec.threads(), spec.threads(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUED_REQUESTS), new ThreadPoolExecutor.AbortPolicy());
        server.setExecutor(command -> {
            try {
                executor.execute(command);
            } catch (RejectedExecutionException e) {
                LOG.warn("http ingest: all {} request threads and {} queue slots busy; a request was refused",
                        spec.threads(), QUEUED_REQUESTS);
                throw e;
            }
        });
        if (spec.ingest()) {
            server.createContext("/v1/events", this::events);
        }
        server.createContext("/healthz", this::health);
        server.createContext("/metrics", this::metrics);
    }

    /**
     * Starts listening.
     *
     * @param health  what {@code GET /healthz} answers, made at each request
     * @param counter told how many events were accepted and rejected
     * @param metrics what {@code GET /metrics} answers
     */
    public static HttpIngest start(HttpIngestSpec spec, EventBus bus, Clock clock, Supplier<? extends JsonNode> health,
                                   IngestCounter counter, MetricsWriter metrics) throws IOException {
        return start(spec, bus, clock, health, counter, metrics, ingest -> { });
    }

    /**
     * Starts listening, with the paths {@code routes} adds ({@link #serve}) in place before the
     * first request.
     */
    public static HttpIngest start(HttpIngestSpec spec, EventBus bus, Clock clock, Supplier<? extends JsonNode> health,
                                   IngestCounter counter, MetricsWriter metrics, Consumer<HttpIngest> routes)
            throws IOException {
        HttpIngest ingest = new HttpIngest(spec, bus, clock, health, counter, metrics);
        try {
            routes.accept(ingest);
        } catch (RuntimeException e) {
            ingest.close();
            throw e;
        }
        ingest.server.start();
        LOG.info("{} listening on {}:{}{}", spec.ingest() ? "http ingest" : "http (ingest off)", spec.bind(),
                ingest.port(), spec.token().isPresent() ? " (bearer token required)" : "");
        return ingest;
    }

    /**
     * Serves {@code path} (and the paths under it) with {@code handler} on this listener's threads.
     * The handler checks the token itself ({@link #refusedWithoutToken}): some paths are public.
     */
    public void serve(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    /** The port it listens on (the chosen one when the manifest says 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void events(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().add("Allow", "POST");
                respond(exchange, 405, error("use POST"));
                return;
            }
            if (refusedWithoutToken(exchange)) {
                return;
            }
            String type = contentType(exchange);
            if (!type.equals("application/json") && !type.equals("application/x-ndjson")) {
                respond(exchange, 415, error("content type must be application/json or application/x-ndjson, got '"
                        + type + "'"));
                return;
            }
            byte[] body = readLimited(exchange.getRequestBody(), spec.maxBodyBytes());
            if (body == null) {
                respond(exchange, 413, error("body larger than " + spec.maxBodyBytes() + " bytes"));
                return;
            }
            if (type.equals("application/x-ndjson")) {
                ingest(exchange, RequestEvents.ndjson(body, clock));
                return;
            }
            String text;
            try {
                text = BoundedLineReader.strictUtf8().decode(ByteBuffer.wrap(body)).toString();
            } catch (CharacterCodingException e) {
                counter.rejected("http", RejectReason.NOT_UTF8, 1); // one document, whatever it held
                respond(exchange, 400, error("body is not valid UTF-8"));
                return;
            }
            ingest(exchange, RequestEvents.json(text, clock));
        }
    }

    /**
     * Places the request's valid events in order, waiting at most {@code max_wait} in all for room
     * in full lanes. When time runs out, answers 503 with the index of the first event not placed:
     * the client sends again from there (an event may then reach an observer twice: at least once).
     */
    private void ingest(HttpExchange exchange, RequestEvents.Source items) throws IOException {
        ObjectNode answer = MAPPER.createObjectNode();
        ArrayNode errors = MAPPER.createArrayNode();
        long deadline = System.nanoTime() + spec.maxWait().toNanos();
        int accepted = 0;
        int refused = 0;
        int notPlaced = -1;
        Map<RejectReason, Integer> rejected = new EnumMap<>(RejectReason.class);
        int i = 0;
        for (RequestEvents.Item item = items.next(); item != null; item = items.next(), i++) {
            if (item.event() == null) {
                refused++;
                if (errors.size() < LISTED_ERRORS) {
                    errors.addObject().put("index", i).put("error", item.problem().getMessage());
                }
                rejected.merge(item.problem().reason(), 1, Integer::sum);
            } else if (bus.offer(item.event(), deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                accepted++;
            } else {
                notPlaced = i;
                break;
            }
        }
        counter.accepted("http", accepted);
        rejected.forEach((reason, events) -> counter.rejected("http", reason, events));
        answer.put("accepted", accepted).put("rejected", refused).set("errors", errors);
        if (refused > errors.size()) {
            answer.put("errors_omitted", refused - errors.size());
        }
        if (notPlaced >= 0) {
            answer.put("next_index", notPlaced);
            exchange.getResponseHeaders().set("Retry-After", "1");
            respond(exchange, 503, answer);
            return;
        }
        respond(exchange, accepted > 0 ? 202 : 400, answer);
    }

    private void health(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (refusedWithoutToken(exchange)) {
                return;
            }
            JsonNode answer = health.get();
            respond(exchange, 200, answer == null ? MAPPER.createObjectNode().put("status", "ok") : answer);
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (refusedWithoutToken(exchange)) {
                return;
            }
            // Rendered before the status is sent, so that a failing metric gives a 500, not a cut-off 200.
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try {
                metrics.write(body);
            } catch (IOException | RuntimeException e) {
                LOG.error("GET /metrics failed", e);
                respond(exchange, 500, error("cannot render metrics: " + e));
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", metrics.contentType());
            counter.answered(200);
            exchange.sendResponseHeaders(200, body.size());
            try (OutputStream out = exchange.getResponseBody()) {
                body.writeTo(out);
            }
        }
    }

    /** Answers 401 and returns true if a token is configured and the request does not carry it. */
    public boolean refusedWithoutToken(HttpExchange exchange) throws IOException {
        if (authorized(exchange)) {
            return false;
        }
        exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
        respond(exchange, 401, error("missing or wrong bearer token"));
        return true;
    }

    private boolean authorized(HttpExchange exchange) {
        if (spec.token().isEmpty()) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String scheme = "Bearer ";
        // The scheme is case-insensitive (RFC 9110, 11.1); the token is not.
        if (header == null || !header.regionMatches(true, 0, scheme, 0, scheme.length())) {
            return false;
        }
        // constant-time comparison: the token must not leak through response timing
        return MessageDigest.isEqual(header.substring(scheme.length()).getBytes(StandardCharsets.UTF_8),
                spec.token().get().getBytes(StandardCharsets.UTF_8));
    }

    private static String contentType(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Content-Type");
        if (header == null) {
            return "";
        }
        int parameters = header.indexOf(';');
        return (parameters < 0 ? header : header.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
    }

    /** The body, or null if it is longer than {@code limit}. */
    private static byte[] readLimited(InputStream in, long limit) throws IOException {
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        return body.length > limit ? null : body;
    }

    private static ObjectNode error(String message) {
        return MAPPER.createObjectNode().put("error", message);
    }

    /** Counts a request answered with {@code status} by a handler that writes its own body. */
    public void answered(int status) {
        counter.answered(status);
    }

    /** Answers {@code status} with {@code body} as JSON, counted in {@code monitor_http_requests_total}. */
    public void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        counter.answered(status);
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops accepting requests, lets running ones finish (up to a second), then stops the threads. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
