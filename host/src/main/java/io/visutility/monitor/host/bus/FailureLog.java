package io.visutility.monitor.host.bus;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs an observer's failures without flooding the log: the first one with its stack trace,
 * then at most one line per interval that says how many were not logged.
 *
 * <p>Thread-safe and lock-free.
 */
final class FailureLog {

    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    private final String observerName;
    private final long intervalNanos;
    private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    FailureLog(String observerName, long interval, TimeUnit unit) {
        this.observerName = observerName;
        this.intervalNanos = unit.toNanos(interval);
    }

    void failed(Throwable failure) {
        long now = System.nanoTime();
        long next = nextLogAt.get();
        boolean first = next == Long.MIN_VALUE;
        if ((first || now - next >= 0) && nextLogAt.compareAndSet(next, now + intervalNanos)) {
            long skipped = suppressed.getAndSet(0);
            if (first) {
                LOG.warn("observer '{}' failed on an event; it keeps receiving events", observerName, failure);
            } else {
                LOG.warn("observer '{}' failed again ({} more failures not logged): {}",
                        observerName, skipped, failure.toString());
            }
        } else {
            suppressed.incrementAndGet();
        }
    }
}
