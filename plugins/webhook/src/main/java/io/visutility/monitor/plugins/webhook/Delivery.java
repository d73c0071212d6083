package io.visutility.monitor.plugins.webhook;

import io.visutility.monitor.api.Metrics;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Delivers one batch body: retries with exponential backoff ({@code retry_initial}, doubling up
 * to {@code retry_max}; a server's Retry-After wins, capped at {@code retry_max}) until the
 * endpoint accepts it, rejects it, or {@link #requestStop} is called. Counts what it sends, gives
 * up and retries, and logs an outage twice: its first failure at WARN, its end at INFO.
 *
 * <p>Thread-safety: {@link #deliver} runs on one thread at a time (the observer's sender);
 * {@link #attempt} may run on another (stop) while a stuck sender has not returned, so the outage
 * state is atomic. {@link #requestStop} may be called from any thread.
 */
final class Delivery {

    /** How {@link #deliver} ended. */
    enum Outcome { SENT, REJECTED, STOPPED }

    private final HttpPoster poster;
    private final WebhookSettings settings;
    private final String observer;
    private final Logger log;
    private final Metrics.Counter sent;
    private final Metrics.Counter givenUp;
    private final Metrics.Counter retries;
    /** The stop flag and the interruptible backoff sleep in one: a pause is an await on it. */
    private final CountDownLatch stop = new CountDownLatch(1);
    /** Retries in the current outage; -1 while the endpoint is reachable. */
    private final AtomicLong outageRetries = new AtomicLong(-1);

    Delivery(HttpPoster poster, WebhookSettings settings, String observer, Logger log, Metrics metrics) {
        this.poster = poster;
        this.settings = settings;
        this.observer = observer;
        this.log = log;
        this.sent = metrics.counter("webhook_events_sent",
                "Events a webhook observer's endpoint accepted (2xx).", "observer");
        this.givenUp = metrics.counter("webhook_events_given_up",
                "Events a webhook observer gave up: rejected (4xx other than 429) or stopped (unsent at stop).",
                "observer", "reason");
        this.retries = metrics.counter("webhook_retries",
                "POSTs a webhook observer repeated after a connection error, timeout, 5xx or 429.", "observer");
    }

    /**
     * Sends {@code body} until it is accepted or rejected, or stop is requested: then it returns
     * {@link Outcome#STOPPED} and the caller still owns the events.
     */
    Outcome deliver(String body, int events) {
        Duration backoff = settings.retryInitial();
        boolean retry = false;
        while (!stopRequested()) {
            if (retry) {
                retries.inc(1, observer);
                outageRetries.incrementAndGet();
            }
            HttpPoster.Result result;
            try {
                result = attempt(body, events, settings.timeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // only stop interrupts the sender
                return Outcome.STOPPED;
            }
            if (result.outcome() == HttpPoster.Outcome.ACCEPTED) {
                return Outcome.SENT;
            }
            if (result.outcome() == HttpPoster.Outcome.REJECTED) {
                return Outcome.REJECTED;
            }
            if (stopRequested()) {
                return Outcome.STOPPED; // an attempt cut short by stop is no outage
            }
            Duration pause = result.retryAfter() == null ? backoff : min(result.retryAfter(), settings.retryMax());
            failed(result, pause);
            backoff = min(backoff.multipliedBy(2), settings.retryMax());
            retry = true;
            try {
                if (stop.await(pause.toNanos(), TimeUnit.NANOSECONDS)) {
                    return Outcome.STOPPED;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Outcome.STOPPED;
            }
        }
        return Outcome.STOPPED;
    }

    /**
     * One POST; counts and logs an acceptance or a rejection, and leaves a retryable failure to
     * the caller (counted by nobody yet).
     */
    HttpPoster.Result attempt(String body, int events, Duration timeout) throws InterruptedException {
        HttpPoster.Result result = poster.post(body, timeout);
        switch (result.outcome()) {
            case ACCEPTED -> {
                recovered();
                sent.inc(events, observer);
            }
            case REJECTED -> {
                recovered();
                log.warn("webhook {} rejected {} event(s) with {}; not retried, given up",
                        settings.displayUrl(), events, result.detail());
                givenUp.inc(events, observer, "rejected");
            }
            case RETRY -> {
                // counted by deliver, or given up by stop
            }
        }
        return result;
    }

    /** Counts events given up because the observer stopped before they could be sent. */
    void givenUpAtStop(int events) {
        givenUp.inc(events, observer, "stopped");
    }

    /** Ends backoff pauses and makes {@link #deliver} return {@link Outcome#STOPPED} before its next attempt. */
    void requestStop() {
        stop.countDown();
    }

    boolean stopRequested() {
        return stop.getCount() == 0;
    }

    private void failed(HttpPoster.Result result, Duration pause) {
        if (outageRetries.compareAndSet(-1, 0)) {
            log.warn("webhook {} unreachable: {}; retrying with backoff up to {}ms, events wait meanwhile",
                    settings.displayUrl(), result.detail(), settings.retryMax().toMillis());
        } else if (log.isDebugEnabled()) {
            log.debug("webhook {} still unreachable: {}; next retry in {}ms",
                    settings.displayUrl(), result.detail(), pause.toMillis());
        }
    }

    private void recovered() {
        long retried = outageRetries.getAndSet(-1);
        if (retried >= 0) {
            log.info("webhook {} reachable again after {} retries", settings.displayUrl(), retried);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
