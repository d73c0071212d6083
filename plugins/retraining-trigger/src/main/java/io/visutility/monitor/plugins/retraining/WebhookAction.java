package io.visutility.monitor.plugins.retraining;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visutility.monitor.api.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;

/**
 * {@code action: webhook}: POSTs the trigger as JSON to {@code url}
 * ({@code {"model","version","strategy","at","reason","score"}}, {@code Content-Type: application/json},
 * plus the {@code headers}, each written {@code "Name: value"}). A connection error, a timeout, a
 * 5xx status or a 429 is retried, {@value #ATTEMPTS} attempts in all, 500 ms apart and then doubling; any
 * other non-2xx status fails at once. Logs the outcome once:
 * {@code retraining action webhook model=.. version=.. status=202} or, at WARN,
 * {@code ... failed after 3 attempts: <cause>}.
 *
 * <p>Thread-safe: immutable configuration and a thread-safe {@link HttpClient}.
 */
final class WebhookAction implements RetrainingAction {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final int ATTEMPTS = 3;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final List<String> headers; // name, value, name, value...: as HttpRequest.Builder.headers takes them
    private final Duration timeout;
    private final ExecutorService httpThreads;
    private final HttpClient client;

    private WebhookAction(URI url, List<String> headers, Duration timeout) {
        this.url = url;
        this.headers = List.copyOf(headers);
        this.timeout = timeout;
        // the client's own threads would otherwise outlive stop(); these are shut down in close()
        this.httpThreads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "retraining-webhook-http");
            thread.setDaemon(true);
            return thread;
        });
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        // the client's selector thread inherits this loader: keep it from pinning the plugin's loader
        current.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            // HTTP/1.1: one small POST gains nothing from HTTP/2, and h2c upgrade headers confuse some servers
            this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                    .executor(httpThreads).build();
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    /** Reads {@code url} (required), {@code headers} and {@code timeout}. */
    static WebhookAction fromSettings(Settings settings) {
        String text = settings.getString("url", null);
        if (text == null) {
            throw settings.invalid("url", "is required for action webhook");
        }
        URI url;
        try {
            url = URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            throw settings.invalid("url", "not a URL: " + e.getMessage());
        }
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw settings.invalid("url", "expected an http:// or https:// URL, got '" + text + "'");
        }
        List<String> headers = new ArrayList<>();
        for (String header : settings.getList("headers")) {
            int colon = header.indexOf(':');
            String name = colon < 0 ? "" : header.substring(0, colon).trim();
            if (name.isEmpty()) {
                throw settings.invalid("headers", "expected 'Name: value', got '" + header + "'");
            }
            if (name.equalsIgnoreCase("Content-Type")) {
                throw settings.invalid("headers", "Content-Type is always application/json");
            }
            headers.add(name);
            headers.add(header.substring(colon + 1).trim());
        }
        Duration timeout = RetrainingAction.timeout(settings, DEFAULT_TIMEOUT);
        try {
            // the JDK rejects restricted (Host, Content-Length...) and malformed headers: fail at start, not at the first trigger
            if (!headers.isEmpty()) {
                HttpRequest.newBuilder(url).headers(headers.toArray(String[]::new));
            }
        } catch (IllegalArgumentException e) {
            throw settings.invalid("headers", e.getMessage());
        }
        return new WebhookAction(url, headers, timeout);
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public ActionResult run(Trigger trigger, Logger log) throws InterruptedException {
        HttpRequest request = request(trigger);
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            String cause;
            boolean retry;
            Duration pause = backoff;
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    log.info("retraining action webhook {} status={}{}", trigger.describe(), status,
                            attempt == 1 ? "" : " attempts=" + attempt);
                    return ActionResult.OK;
                }
                cause = "status=" + status;
                retry = status >= 500 || status == 429; // another 4xx will not fix itself by asking again
                Optional<Duration> asked = retryAfter(response);
                if (asked.isPresent() && asked.get().compareTo(pause) > 0) {
                    // the server's wish, within what one attempt may take
                    pause = asked.get().compareTo(timeout) < 0 ? asked.get() : timeout;
                }
            } catch (IOException e) {
                cause = e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getClass().getSimpleName() + ": " + e.getMessage();
                retry = true;
            }
            if (!retry || attempt == ATTEMPTS) {
                log.warn("retraining action webhook {} failed after {} attempt{}: {}", trigger.describe(), attempt,
                        attempt == 1 ? "" : "s", cause);
                return ActionResult.FAILED;
            }
            Thread.sleep(pause.toMillis());
            backoff = backoff.multipliedBy(2);
        }
    }

    /** A server's {@code Retry-After} in seconds (the form a 429 or 503 usually gives), if any. */
    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                long seconds = Long.parseLong(value.trim());
                return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: keep our own backoff
            }
        });
    }

    private HttpRequest request(Trigger trigger) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", trigger.model());
        body.put("version", trigger.version());
        body.put("strategy", trigger.strategy());
        body.put("at", trigger.at().toString());
        body.put("reason", trigger.reason());
        body.put("score", trigger.score());
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // strings and a double always serialize
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json));
        if (!headers.isEmpty()) {
            builder.headers(headers.toArray(String[]::new));
        }
        return builder.build();
    }

    @Override
    public void close() {
        httpThreads.shutdownNow();
    }
}
