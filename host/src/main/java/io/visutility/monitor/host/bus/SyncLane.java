package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls its observer on the producer's thread, during {@code emit}. No queue, no thread, no lock;
 * a slow observer slows the producer, so this mode is for the cheapest observers. While the
 * observer is paused after repeated failures its events are dropped ({@link DropReason#PAUSED}).
 * While it is held for a swap its events wait in a buffer of the policy's capacity, to which the
 * overflow policy applies.
 *
 * <p>The common case, a quiet lane and a successful call, runs inline in {@link EventBus#emit}
 * (the registry lists a quiet sync lane's observer for a direct call) and writes nothing here:
 * the bus counts emits per registry generation in the producers' own cells, so this lane's
 * {@code received} is the sum over the generations it belonged to, less what its filter
 * rejected, plus what the async lane it replaced handed on to it; failures and drops are counted
 * here, and {@code delivered} is what is left. Every accepted event ends in exactly one of those
 * three outcomes, so the derivation is exact.
 *
 * <p>Thread-safe: producers call it concurrently; state changes of the slow path (failure,
 * recovery, close) are serialized on this lane.
 */
final class SyncLane extends Lane {

    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    private final ProducerCounts counts;
    private final int rejectedSlot;
    private final List<Integer> generations = new ArrayList<>(); // guarded by the bus's write lock
    private final LongAdder failed = new LongAdder();
    private final LongAdder droppedPaused = new LongAdder();
    private final LongAdder droppedClosed = new LongAdder();
    /** Events the lane this one replaced handed on: received, though not by an emit this lane counted. */
    private final LongAdder handedOn = new LongAdder();
    /** Producers handing an event on to this lane right now (see {@link #takeHandedOn}). */
    private final AtomicInteger handingOn = new AtomicInteger();
    private final ArrayDeque<ModelMetricEvent> held = new ArrayDeque<>(); // guarded by this
    private final LongAdder droppedQueueFull = new LongAdder();
    private final LongAdder droppedEvicted = new LongAdder();
    private final LongAdder droppedBlockTimeout = new LongAdder();
    /** The longest a lane that keeps failing waits before it goes back to the direct path. */
    private static final long MAX_RECOVERY_DELAY_NANOS = TimeUnit.HOURS.toNanos(1);
    /**
     * A failure this long after the last return (and after twice the delay) starts the delay over:
     * rare failures then cost a second each, while one that comes back sooner keeps it doubling.
     */
    private static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final long baseRecoveryDelayNanos;
    private volatile long recoveryDelayNanos; // written under this
    private long lastRecoveryNanos; // guarded by this

    private volatile long lastFailureNanos;
    private volatile boolean closing;
    private volatile boolean holding;
    /** True while neither closing, holding, nor in a failure streak: the registry may list it for direct calls. */
    private volatile boolean quiet = true;

    /**
     * @param recoveryDelay how long a failing lane must stay quiet before it goes back to the direct
     *                      path; doubled after each return (up to an hour) while it keeps failing
     */
    SyncLane(EventBus bus, String name, EventFilter filter, Observer observer, DispatchPolicy policy,
             ProducerCounts counts, int rejectedSlot, Duration recoveryDelay) {
        super(bus, name, filter, observer, policy);
        this.counts = counts;
        this.rejectedSlot = rejectedSlot;
        this.baseRecoveryDelayNanos = recoveryDelay.toNanos();
        this.recoveryDelayNanos = baseRecoveryDelayNanos;
        if (observer == null) {
            holdFromStart(); // a replacement: it holds until a resume gives it its observer
        }
    }

    /** Records that registry generation {@code slot} contains this lane; called under the bus's write lock. */
    void joined(int slot) {
        synchronized (generations) {
            generations.add(slot);
        }
    }

    /** The generations this lane belonged to, oldest first. */
    List<Integer> generations() {
        synchronized (generations) {
            return List.copyOf(generations);
        }
    }

    /** Counts an event the filter rejected, in the producer's cells. */
    void rejected(ProducerCounts.Cells cells) {
        cells.increment(rejectedSlot);
    }

    /** Whether emit may call the observer directly. */
    boolean quiet() {
        return quiet;
    }

    /** The fast path's failure: count it and leave the fast path until a success. */
    void failedFast(Throwable failure) {
        failed.increment();
        synchronized (this) {
            lastFailureNanos = System.nanoTime();
            failures.failed(failure, lastFailureNanos);
            quiet = false;
            long quietFor = lastFailureNanos - lastRecoveryNanos;
            if (quietFor > Math.max(2 * recoveryDelayNanos, FORGET_AFTER_NANOS)) {
                recoveryDelayNanos = baseRecoveryDelayNanos; // the last trouble was long ago: start over
            }
        }
        bus().refresh();
    }

    /** The slow path: the lane is closing, paused, or in a failure streak. */
    @Override
    void offer(ModelMetricEvent event, ProducerCounts.Cells cells) {
        if (filter.accepts(event)) {
            deliver(event);
        } else {
            rejected(cells);
        }
    }

    @Override
    void takeHandedOn(ModelMetricEvent event) {
        if (!filter.accepts(event)) {
            return;
        }
        // Its emit never counted in this lane's generations, so drain() waits for it by this count:
        // with the volatile `closing`, either this sees the lane closing or drain sees it here.
        boolean closingNow;
        handingOn.incrementAndGet();
        try {
            closingNow = closing;
            if (!closingNow) {
                handedOn.increment();
                deliver(event);
            }
        } finally {
            handingOn.decrementAndGet();
        }
        if (closingNow) {
            // Out of drain()'s sight: passing it on does not call this lane's observer, and may wait
            // for a held replacement that the swap resumes only once this drain returns.
            Lane next = successor; // set before `closing`
            if (next != null) {
                next.takeHandedOn(event);
            } else {
                handedOn.increment();
                droppedClosed.increment();
            }
        }
    }

    /**
     * Holds, drops or delivers an event the filter accepted. A closing lane still delivers: its
     * drain waits for the emits that saw it and for events being handed on, so its observer is not
     * stopped before this returns.
     */
    private void deliver(ModelMetricEvent event) {
        if (holding && hold(event)) {
            return;
        } else if (closing && observer == null) {
            droppedClosed.increment(); // replaced, then closed before a resume gave it an observer
        } else if (failures.isPaused()) {
            droppedPaused.increment();
        } else if (call(event) == DELIVERED) {
            if (quiet || System.nanoTime() - lastFailureNanos <= recoveryDelayNanos) {
                return; // back already, or not quiet long enough: decided without the lock, as most events are
            }
            boolean recovered;
            synchronized (this) {
                // Back to the direct path only after a quiet delay that doubles with each return:
                // each switch republishes the registry (a new generation, which every producer
                // thread counts in cells of its own), and an observer that keeps failing must not
                // be able to grow them at event rate, nor once a second for ever.
                long now = System.nanoTime();
                recovered = !quiet && !closing && !holding && !failures.troubled()
                        && now - lastFailureNanos > recoveryDelayNanos;
                if (recovered) {
                    quiet = true;
                    lastRecoveryNanos = now;
                    recoveryDelayNanos = Math.min(2 * recoveryDelayNanos, MAX_RECOVERY_DELAY_NANOS);
                }
            }
            if (recovered) {
                bus().refresh();
            }
        } else {
            failed.increment();
            lastFailureNanos = System.nanoTime();
        }
    }

    /** Keeps an event while holding, applying the overflow policy; false if the hold ended meanwhile. */
    private synchronized boolean hold(ModelMetricEvent event) {
        long deadline = System.nanoTime() + policy.blockTimeout().toNanos();
        while (holding && held.size() >= policy.capacity()) {
            switch (policy.whenFull()) {
                case DROP_NEWEST -> {
                    droppedQueueFull.increment();
                    return true;
                }
                case DROP_OLDEST -> {
                    held.poll();
                    droppedEvicted.increment();
                }
                default -> {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        droppedBlockTimeout.increment();
                        return true;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        droppedBlockTimeout.increment();
                        return true;
                    }
                }
            }
        }
        if (!holding) {
            return false;
        }
        held.add(event);
        return true;
    }

    @Override
    boolean holdEvents() {
        holdFromStart();
        // Emits that still call the observer directly saw an older registry: wait for them.
        return bus().awaitEmitsBefore(bus().refresh(), this, policy.shutdownTimeout());
    }

    @Override
    long droppedBlockTimeout() {
        return droppedBlockTimeout.sum();
    }

    /** Makes the lane hold what it takes from now on, without waiting for calls in progress. */
    private void holdFromStart() {
        synchronized (this) {
            holding = true;
            quiet = false;
        }
    }

    @Override
    int resumeWith(Observer next) {
        int buffered;
        synchronized (this) {
            observer = next;
            buffered = held.size();
            try {
                for (ModelMetricEvent event; (event = held.poll()) != null; ) {
                    if (call(event) != DELIVERED) {
                        failed.increment();
                    }
                }
            } finally {
                holding = false;
                quiet = !closing;
                recoveryDelayNanos = baseRecoveryDelayNanos; // a new observer owes nothing for the old one's failures
                notifyAll(); // producers blocked on a full hold buffer
            }
        }
        bus().refresh();
        return buffered;
    }

    @Override
    void drain() {
        synchronized (this) {
            closing = true;
            quiet = false;
            droppedClosed.add(held.size());
            held.clear();
            holding = false;
            notifyAll();
        }
        // The lane is out of every current registry: wait for direct calls still running, and for
        // events being handed on, so that the observer's stop() never overlaps its onEvent.
        long deadline = System.nanoTime() + policy.shutdownTimeout().toNanos();
        boolean ended = bus().awaitEmitsBefore(-1, this, policy.shutdownTimeout());
        while (handingOn.get() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
        }
        if (!ended || handingOn.get() > 0) {
            LOG.warn("observer '{}' is still in onEvent after its shutdown timeout of {} ms; stopping it anyway",
                    name, policy.shutdownTimeout().toMillis());
        }
    }

    @Override
    public ObserverStats stats() {
        long received;
        synchronized (generations) {
            received = handedOn.sum() - counts.sum(rejectedSlot);
            for (int slot : generations) {
                received += counts.sum(slot);
            }
        }
        long bad = failed.sum();
        long paused = droppedPaused.sum();
        long closed = droppedClosed.sum();
        long full = droppedQueueFull.sum();
        long evicted = droppedEvicted.sum();
        long timedOut = droppedBlockTimeout.sum();
        int queued;
        synchronized (this) {
            queued = held.size();
        }
        return new ObserverStats(name, DispatchMode.SYNC, received,
                Math.max(0, received - bad - paused - closed - full - evicted - timedOut - queued), bad,
                Map.of(DropReason.PAUSED, paused, DropReason.CLOSED, closed, DropReason.QUEUE_FULL, full,
                        DropReason.EVICTED, evicted, DropReason.BLOCK_TIMEOUT, timedOut), queued, failures.paused(),
                ProcessingTime.NONE);
    }
}
