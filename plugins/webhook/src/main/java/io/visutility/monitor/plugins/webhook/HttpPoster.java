package io.visutility.monitor.plugins.webhook;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes one POST and classifies the answer: accepted (2xx), worth retrying (connection error,
 * timeout, 5xx, 429) or rejected (anything else). It never retries by itself.
 *
 * <p>Every call is bounded by its timeout: the wait is on the response future, which is cancelled
 * (aborting the exchange) when the time is up or the caller is interrupted. Only the first
 * {@value #BODY_PREFIX_CHARS} characters of an error body are kept, for the log.
 *
 * <p>Thread-safe. {@link #close} shuts down the client's worker threads: the JDK 17 client has no
 * close of its own, and threads made from the plugin would otherwise keep its class loader alive.
 */
final class HttpPoster implements AutoCloseable {

    static final int BODY_PREFIX_CHARS = 200;
    private static final int BODY_PREFIX_BYTES = 4 * BODY_PREFIX_CHARS;

    /** What became of one POST. */
    enum Outcome { ACCEPTED, RETRY, REJECTED }

    /**
     * @param outcome    what to do next
     * @param detail     for log lines: {@code HTTP 503: <body prefix>}, or the I/O error
     * @param retryAfter the server's Retry-After in seconds, or null
     */
    record Result(Outcome outcome, String detail, Duration retryAfter) {
    }

    private final WebhookSettings settings;
    private final ExecutorService workers;
    private final HttpClient client;
    private final boolean userContentType;

    HttpPoster(WebhookSettings settings, String threadName) {
        this.settings = settings;
        AtomicInteger count = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, threadName + "-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        // The client's selector thread inherits this; it must not pin the plugin's class loader.
        current.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            // HTTP/1.1: an h2c upgrade on a POST with a body trips up some plain-HTTP servers.
            this.client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(settings.timeout())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .executor(workers)
                    .build();
        } finally {
            current.setContextClassLoader(previous);
        }
        this.userContentType = settings.headers().stream()
                .anyMatch(header -> header.name().equalsIgnoreCase("Content-Type"));
    }

    /**
     * POSTs {@code body} and waits at most {@code timeout} for the answer.
     *
     * @throws InterruptedException if the calling thread is interrupted; the exchange is aborted
     */
    Result post(String body, Duration timeout) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.url())
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (!userContentType) {
            request.header("Content-Type", "application/json");
        }
        for (WebhookSettings.Header header : settings.headers()) {
            request.header(header.name(), header.value());
        }
        CompletableFuture<HttpResponse<String>> response;
        try {
            response = client.sendAsync(request.build(), HttpPoster::bodyPrefix);
        } catch (RuntimeException e) {
            // A request the client refuses outright would fail the same way forever: do not retry it.
            return new Result(Outcome.REJECTED, "request not sent: " + describe(e), null);
        }
        try {
            return classify(response.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            response.cancel(true);
            return new Result(Outcome.RETRY, "no response within " + timeout.toMillis() + "ms", null);
        } catch (InterruptedException e) {
            response.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            return new Result(Outcome.RETRY, describe(e.getCause() == null ? e : e.getCause()), null);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }

    private static Result classify(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Result(Outcome.ACCEPTED, "HTTP " + status, null);
        }
        String detail = "HTTP " + status + (response.body().isEmpty() ? "" : ": " + response.body());
        if (status == 429 || status >= 500) {
            return new Result(Outcome.RETRY, detail, retryAfter(response));
        }
        return new Result(Outcome.REJECTED, detail, null);
    }

    /** The class and the first message along the cause chain: the JDK's ConnectException often has none itself. */
    private static String describe(Throwable error) {
        String message = null;
        Throwable cause = error;
        for (int depth = 0; cause != null && message == null && depth < 10; depth++, cause = cause.getCause()) {
            message = cause.getMessage();
        }
        if (message == null && error instanceof ConnectException) {
            message = "could not connect (refused or unreachable)";
        }
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Retry-After in delay-seconds form; the HTTP-date form is rare for webhooks and ignored (backoff applies). */
    private static Duration retryAfter(HttpResponse<String> response) {
        String value = response.headers().firstValue("Retry-After").orElse("").trim();
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Duration.ofSeconds(Long.parseLong(value));
    }

    /** A 2xx body is discarded; of any other, the first characters, one line, for the log. */
    private static BodySubscriber<String> bodyPrefix(HttpResponse.ResponseInfo info) {
        if (info.statusCode() >= 200 && info.statusCode() < 300) {
            return BodySubscribers.replacing("");
        }
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        return BodySubscribers.mapping(
                BodySubscribers.ofByteArrayConsumer(chunk -> chunk.ifPresent(
                        bytes -> head.write(bytes, 0, Math.min(bytes.length, BODY_PREFIX_BYTES - head.size())))),
                ignored -> {
                    String text = head.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
                    return text.length() > BODY_PREFIX_CHARS ? text.substring(0, BODY_PREFIX_CHARS) : text;
                });
    }
}
