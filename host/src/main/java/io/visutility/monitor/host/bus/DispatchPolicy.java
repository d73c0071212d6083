package io.visutility.monitor.host.bus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one observer's lane delivers events.
 *
 * @param mode                sync (on the producer's thread) or async (own thread and queue)
 * @param capacity            async queue size (a power of two, so the queue holds exactly this many),
 *                            and how far the lane may trail each producer's ring (at most
 *                            {@link ProducerRing#SIZE}) before it takes that producer's events through the queue
 * @param whenFull            what a full async queue does with an event
 * @param blockTimeout        under {@link OverflowPolicy#BLOCK}, the longest a producer waits before the
 *                            lane drops the event ({@link DropReason#BLOCK_TIMEOUT}); empty (the default):
 *                            the producer waits as long as its source lets it, and the lane drops nothing
 * @param failuresBeforePause consecutive failures after which the observer is paused
 * @param pause               the first pause; each further pause in a row doubles, up to {@code maxPause}
 * @param maxPause            the longest pause
 * @param shutdownTimeout     how long closing the lane may spend delivering what is queued
 */
public record DispatchPolicy(DispatchMode mode, int capacity, OverflowPolicy whenFull, Optional<Duration> blockTimeout,
                             int failuresBeforePause, Duration pause, Duration maxPause, Duration shutdownTimeout) {

    /** The largest queue a lane may have. */
    public static final int MAX_CAPACITY = 1 << 24;

    /** Async, 8192 events, block with no timeout of its own, pause after 5 failures for 1s..1m, 10s drain. */
    public static final DispatchPolicy DEFAULT = new DispatchPolicy(DispatchMode.ASYNC, 8192,
            OverflowPolicy.BLOCK, Optional.empty(), 5, Duration.ofSeconds(1), Duration.ofMinutes(1),
            Duration.ofSeconds(10));

    /** The defaults, in sync mode. */
    public static final DispatchPolicy SYNC = DEFAULT.withMode(DispatchMode.SYNC);

    /** @throws IllegalArgumentException naming every bad component */
    public DispatchPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(whenFull, "when_full");
        List<String> problems = new ArrayList<>();
        if (capacity < 2 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            problems.add("capacity must be a power of two from 2 to " + MAX_CAPACITY + ", got " + capacity);
        }
        if (failuresBeforePause < 1) {
            problems.add("pause_after_failures must be >= 1, got " + failuresBeforePause);
        }
        Objects.requireNonNull(blockTimeout, "block_timeout");
        blockTimeout.ifPresent(timeout -> requirePositive(timeout, "block_timeout", problems));
        requirePositive(pause, "pause", problems);
        requirePositive(maxPause, "max_pause", problems);
        requirePositive(shutdownTimeout, "shutdown_timeout", problems);
        if (problems.isEmpty() && maxPause.compareTo(pause) < 0) {
            problems.add("max_pause must be >= pause");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** This policy with another overflow policy (and no block timeout of its own). */
    public DispatchPolicy withWhenFull(OverflowPolicy newWhenFull) {
        return new DispatchPolicy(mode, capacity, newWhenFull, Optional.empty(), failuresBeforePause, pause, maxPause,
                shutdownTimeout);
    }

    /** This policy with another mode. */
    public DispatchPolicy withMode(DispatchMode newMode) {
        return new DispatchPolicy(newMode, capacity, whenFull, blockTimeout, failuresBeforePause, pause, maxPause,
                shutdownTimeout);
    }

    private static void requirePositive(Duration value, String name, List<String> problems) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            problems.add(name + " must be > 0, got " + value.toMillis() + "ms");
        }
    }
}
