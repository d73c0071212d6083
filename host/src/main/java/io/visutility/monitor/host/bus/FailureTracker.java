package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.LogValue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An observer's failures: logs them without flooding the log (the first with its stack trace,
 * then at most one line per interval saying how many were not logged), and pauses the observer
 * after {@code failuresBeforePause} failures in a row, for a pause that doubles with each further
 * failure in a row up to a maximum. A success ends the streak and the backoff.
 *
 * <p>Thread-safe. {@link #troubled()}, {@link #succeeded()} and {@link #isPaused()} cost one
 * volatile read while no failure streak is going on, so lanes may call them for every event.
 */
final class FailureTracker {

    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String observerName;
    private final int failuresBeforePause;
    private final long firstPauseNanos;
    private final long maxPauseNanos;
    private final AtomicInteger consecutive = new AtomicInteger();
    private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong notLogged = new AtomicLong();
    private volatile long currentPauseNanos;
    private volatile boolean troubled;
    private volatile boolean paused;
    private volatile long pausedUntil;
    private volatile long pausedAt;

    FailureTracker(String observerName, DispatchPolicy policy) {
        this.observerName = observerName;
        this.failuresBeforePause = policy.failuresBeforePause();
        this.firstPauseNanos = policy.pause().toNanos();
        this.maxPauseNanos = policy.maxPause().toNanos();
    }

    /** Whether a failure streak (and maybe a pause) is going on: the lane's cue to take its slow path. */
    boolean troubled() {
        return troubled;
    }

    /** Ends a failure streak, if one is going on. */
    void succeeded() {
        if (troubled) {
            consecutive.set(0);
            currentPauseNanos = 0;
            troubled = false;
        }
    }

    /**
     * Records a failure.
     *
     * @return how long to pause the observer now, in nanoseconds; 0 for no pause
     */
    long failed(Throwable failure, long now) {
        logRateLimited(failure, now);
        troubled = true;
        int streak = consecutive.incrementAndGet();
        if (streak < failuresBeforePause) {
            return 0;
        }
        long previous = currentPauseNanos;
        long pause = previous == 0 ? firstPauseNanos : Math.min(maxPauseNanos, previous * 2);
        currentPauseNanos = pause;
        pausedAt = now;
        pausedUntil = now + pause;
        paused = true;
        LOG.warn("observer '{}' failed {} times in a row; paused for {} ms", observerName, streak,
                TimeUnit.NANOSECONDS.toMillis(pause));
        return pause;
    }

    /** Whether the observer is paused now; logs the resumption once when a pause has ended. */
    boolean isPaused() {
        if (!troubled || !paused) {
            return false;
        }
        if (System.nanoTime() - pausedUntil < 0) {
            return true;
        }
        resumed();
        return false;
    }

    /** Forgets the streak and any pause: a new observer instance starts clean. */
    synchronized void reset() {
        consecutive.set(0);
        currentPauseNanos = 0;
        paused = false;
        troubled = false;
    }

    /** Whether a pause is in force (for stats). */
    boolean paused() {
        return paused && System.nanoTime() - pausedUntil < 0;
    }

    /** Ends the current pause and logs it once, with how long it lasted (not how long it was meant to). */
    private void resumed() {
        synchronized (this) {
            if (!paused) {
                return;
            }
            paused = false;
        }
        LOG.info("observer '{}' resumed after a {} ms pause", observerName,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAt));
    }

    private void logRateLimited(Throwable failure, long now) {
        long next = nextLogAt.get();
        boolean first = next == Long.MIN_VALUE;
        if ((first || now - next >= 0) && nextLogAt.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
            long skipped = notLogged.getAndSet(0);
            if (first) {
                LOG.warn("observer '{}' failed on an event", observerName, failure);
            } else {
                LOG.warn("observer '{}' failed again ({} more failures not logged): {}", observerName, skipped,
                        LogValue.quote(failure.toString()));
            }
        } else {
            notLogged.incrementAndGet();
        }
    }
}
