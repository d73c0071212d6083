package io.visutility.monitor.host.ingest;

import io.visutility.monitor.host.bus.EventBus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Prints a long replay's progress: every interval, the events emitted so far, the rate since the
 * last line, and the observer that trails furthest. A replay waits for its slowest observer (its
 * lanes block by default), so this is how a user sees why it takes its time.
 *
 * <p>Thread-safety: its own daemon thread prints; {@link #close} may be called from any thread.
 */
final class ReplayProgress implements AutoCloseable {

    private final ScheduledExecutorService timer;
    private final EventBus bus;
    private final LongSupplier emitted;
    private final PrintStream out;
    private final String source;
    private final long started = System.nanoTime();
    private long lastCount; // timer thread only
    private long lastNanos = started; // timer thread only

    private ReplayProgress(EventBus bus, LongSupplier emitted, PrintStream out, String source, Duration every) {
        this.bus = bus;
        this.emitted = emitted;
        this.out = out;
        this.source = source;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "replay-progress");
            thread.setDaemon(true);
            return thread;
        });
        long nanos = every.toNanos();
        timer.scheduleAtFixedRate(this::report, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Starts printing to {@code out} every {@code every}, the first line after one interval. */
    static ReplayProgress start(EventBus bus, LongSupplier emitted, PrintStream out, String source, Duration every) {
        return new ReplayProgress(bus, emitted, out, source, every);
    }

    private void report() {
        long now = System.nanoTime();
        long count = emitted.getAsLong();
        long rate = Math.round((count - lastCount) / ((now - lastNanos) / 1e9));
        lastCount = count;
        lastNanos = now;
        StringBuilder line = new StringBuilder()
                .append("replay of ").append(source).append(": ").append(count).append(" events in ")
                .append(TimeUnit.NANOSECONDS.toSeconds(now - started)).append(" s, ").append(rate).append("/s");
        bus.slowest().ifPresent(slowest -> line.append("; slowest observer '").append(slowest.observer())
                .append("' has ").append(slowest.waiting()).append(" waiting"));
        out.println(line);
        out.flush();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
