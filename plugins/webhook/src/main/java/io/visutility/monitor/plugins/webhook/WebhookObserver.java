package io.visutility.monitor.plugins.webhook;

import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.ObserverContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * POSTs events as JSON to {@code url}: with {@code batch_size} 1 (the default) one wire-format
 * object per request, otherwise a JSON array of up to {@code batch_size} events. A partial batch
 * is sent at the latest {@code flush_interval} after its first event.
 *
 * <p>Delivery: one sender thread of this observer makes every request, retrying with backoff
 * while the endpoint is unreachable (see {@link Delivery}). The observer buffers at most the
 * batch in flight plus the batch being filled. When the batch being filled is full and the sender
 * still holds the previous one, {@link #onEvent} blocks until the sender takes it: so while the
 * endpoint is down the host's lane queue fills and the host's overflow policy drops and counts.
 * This observer gives events up only when the endpoint rejects them (4xx other than 429) or at
 * {@link #stop}, and counts both.
 *
 * <p>{@link #stop} ends the sender (a pause at once, a request in progress within
 * {@code timeout}), then makes one final attempt to send what is left within what remains of
 * {@code timeout}; what still cannot be sent is counted and logged. It returns within about
 * {@code timeout} plus half a second.
 *
 * <p>Settings: {@code url} (required, http or https), {@code headers} (a list of
 * {@code "Name: value"} strings: {@link io.visutility.monitor.api.Settings} has no map getter),
 * {@code timeout} (5s), {@code batch_size} (1), {@code flush_interval} (1s), {@code retry_initial}
 * (100ms), {@code retry_max} (10s). See {@link WebhookSettings}.
 *
 * <p>Metrics: counters {@code webhook_events_sent{observer}},
 * {@code webhook_events_given_up{observer,reason="rejected"|"stopped"}},
 * {@code webhook_retries{observer}}.
 *
 * <p>Thread-safety: {@link #onEvent} may be called from any number of threads (an async lane
 * uses one), concurrently with the sender thread and with {@link #stop} from yet another thread.
 * The batch state is guarded by {@code lock}; HTTP work happens outside it.
 */
@Extension
@ExtensionType("webhook")
public final class WebhookObserver implements Observer {

    /** How long stop waits for an interrupted sender to hand its batch back. */
    private static final long STOP_GRACE_MILLIS = 500;
    /** Below this, the final attempt is not started: it could not succeed. */
    private static final long MIN_FINAL_ATTEMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ReentrantLock lock = new ReentrantLock();
    /** The sender waits on it: a batch is full, the first event of one arrived, or stop. */
    private final Condition workReady = lock.newCondition();
    /** Producers wait on it: the sender took the full batch, or stop. */
    private final Condition batchTaken = lock.newCondition();

    // Set in start under the lock, read after taking it (or by the sender, started after them).
    private WebhookSettings settings;
    private String name;
    private Logger log;
    private HttpPoster poster;
    private Delivery delivery;
    private Thread sender;

    // Guarded by lock.
    private List<ModelMetricEvent> filling = new ArrayList<>();
    private long firstEventNanos;
    private List<ModelMetricEvent> unsent; // the batch the sender held when it stopped
    private boolean stopping;
    private boolean closed; // stop has taken what was left: late events are given up
    private boolean lateLogged;

    @Override
    public void start(ObserverContext ctx) {
        WebhookSettings read = WebhookSettings.read(ctx.settings());
        lock.lock();
        try {
            settings = read;
            name = ctx.name();
            log = ctx.logger();
            poster = new HttpPoster(read, "webhook-" + name);
            delivery = new Delivery(poster, read, name, log, ctx.metrics());
            filling = new ArrayList<>(read.batchSize());
            sender = new Thread(this::sendUntilStopped, "webhook-" + name);
            sender.setDaemon(true);
            sender.start();
        } catch (RuntimeException e) {
            if (poster != null) {
                poster.close();
            }
            throw e;
        } finally {
            lock.unlock();
        }
        log.debug("webhook {}: batch_size {}, timeout {}ms", read.displayUrl(), read.batchSize(),
                read.timeout().toMillis());
    }

    @Override
    public void onEvent(ModelMetricEvent event) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            // A full batch waits for the sender (or for stop to take it): wait as well, the buffer stays bounded.
            while (filling.size() >= settings.batchSize() && !closed) {
                batchTaken.await();
            }
            if (closed) {
                givenUpLate();
                return;
            }
            filling.add(event);
            if (filling.size() == 1) {
                firstEventNanos = System.nanoTime();
                workReady.signal();
            }
            if (filling.size() < settings.batchSize()) {
                return;
            }
            workReady.signal();
            List<ModelMetricEvent> full = filling;
            // The back-pressure: the sender takes a full batch only once it has delivered the previous one.
            while (filling == full && !stopping) {
                try {
                    batchTaken.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the event is buffered already: accepted
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stop() {
        Thread thread;
        lock.lock();
        try {
            if (sender == null || stopping) {
                return;
            }
            stopping = true;
            workReady.signalAll();
            batchTaken.signalAll();
            thread = sender;
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        delivery.requestStop();
        boolean interrupted = false;
        try {
            // A pause ends at once; a request in progress may still succeed within the timeout.
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (thread.isAlive()) {
                thread.interrupt(); // aborts the request: the sender hands its batch back
                thread.join(STOP_GRACE_MILLIS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        List<ModelMetricEvent> left = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            if (unsent != null) {
                left.addAll(unsent);
                unsent = null;
            }
            left.addAll(filling);
            filling = new ArrayList<>();
            batchTaken.signalAll(); // producers waiting for room now count their events given up
        } finally {
            lock.unlock();
        }
        try {
            if (thread.isAlive()) {
                log.warn("webhook {}: the sender has not returned; it gives up its batch when it does",
                        settings.displayUrl());
            }
            sendAtStop(left, interrupted ? System.nanoTime() : deadline);
        } finally {
            poster.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The sender thread: takes batches when full or due, and delivers them until stop. */
    private void sendUntilStopped() {
        List<ModelMetricEvent> batch = null;
        try {
            while ((batch = nextBatch()) != null) {
                String body = PostBody.of(batch, settings.batchSize() > 1);
                if (delivery.deliver(body, batch.size()) == Delivery.Outcome.STOPPED) {
                    return; // the finally block hands the batch to stop
                }
                batch = null;
            }
        } catch (RuntimeException | Error e) {
            log.error("webhook {}: the sender failed; events wait for stop to send or count them",
                    settings.displayUrl(), e);
            throw e;
        } finally {
            if (batch != null) {
                handBack(batch);
            }
        }
    }

    /** Waits for a full batch or a due partial one; null at stop. */
    private List<ModelMetricEvent> nextBatch() {
        long flushNanos = settings.flushInterval().toNanos();
        lock.lock();
        try {
            while (!stopping) {
                if (filling.size() >= settings.batchSize()) {
                    return take();
                }
                if (filling.isEmpty()) {
                    workReady.await();
                } else {
                    long wait = firstEventNanos + flushNanos - System.nanoTime();
                    if (wait <= 0) {
                        return take();
                    }
                    workReady.awaitNanos(wait);
                }
            }
            return null;
        } catch (InterruptedException e) {
            return null; // only stop interrupts the sender; stop sends what is filling
        } finally {
            lock.unlock();
        }
    }

    private List<ModelMetricEvent> take() {
        List<ModelMetricEvent> batch = filling;
        filling = new ArrayList<>(settings.batchSize());
        batchTaken.signalAll();
        return batch;
    }

    /** The sender stopped holding {@code batch}: stop sends it, or, if stop is past that, it is given up. */
    private void handBack(List<ModelMetricEvent> batch) {
        lock.lock();
        try {
            if (!closed) {
                unsent = batch;
                return;
            }
        } finally {
            lock.unlock();
        }
        delivery.givenUpAtStop(batch.size());
        log.warn("webhook {}: gave up {} event(s) the sender held past stop", settings.displayUrl(), batch.size());
    }

    /** One attempt per batch within the stop deadline; the rest, after the first failure, is given up. */
    private void sendAtStop(List<ModelMetricEvent> left, long deadline) {
        int givenUp = 0;
        String cause = null;
        for (int from = 0; from < left.size(); from += settings.batchSize()) {
            List<ModelMetricEvent> batch = left.subList(from, Math.min(left.size(), from + settings.batchSize()));
            long remaining = deadline - System.nanoTime();
            if (cause == null && remaining < MIN_FINAL_ATTEMPT_NANOS) {
                cause = "no time left of the " + settings.timeout().toMillis() + "ms timeout";
            }
            if (cause == null) {
                try {
                    HttpPoster.Result result = delivery.attempt(PostBody.of(batch, settings.batchSize() > 1),
                            batch.size(), Duration.ofNanos(remaining));
                    if (result.outcome() != HttpPoster.Outcome.RETRY) {
                        continue; // sent or rejected: counted by the delivery
                    }
                    cause = result.detail();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cause = "interrupted";
                }
            }
            givenUp += batch.size();
        }
        if (givenUp > 0) {
            delivery.givenUpAtStop(givenUp);
            log.warn("webhook {}: gave up {} unsent event(s) at stop: {}", settings.displayUrl(), givenUp, cause);
        }
    }

    /** An event that arrived after stop took what was left (the lane was still inside onEvent). */
    private void givenUpLate() {
        delivery.givenUpAtStop(1);
        if (!lateLogged) {
            lateLogged = true;
            log.warn("webhook {}: gave up an event that arrived after stop", settings.displayUrl());
        }
    }
}
