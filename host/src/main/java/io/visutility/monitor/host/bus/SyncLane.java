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
    /** The lane's lifecycle; moved only under this lane's monitor (see {@link Phase}). */
    private volatile Phase phase = Phase.RUNNING;
    /** In a failure streak: off the direct path until a quiet delay has passed (see {@link #deliver}). */
    private volatile boolean failing;

    /**
     * RUNNING --hold--&gt; HOLDING --resume--&gt; RUNNING; either --drain--&gt; CLOSING, which is final.
     * A replacement starts HOLDING, with no observer until its resume.
     */
    private enum Phase { RUNNING, HOLDING, CLOSING }

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
            phase = Phase.HOLDING; // a replacement: it holds until a resume gives it its observer
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
        return phase == Phase.RUNNING && !failing;
    }

    /** The fast path's failure: count it and leave the fast path until a success. */
    void failedFast(Throwable failure) {
        failed.increment();
        synchronized (this) {
            lastFailureNanos = System.nanoTime();
            failures.failed(failure, lastFailureNanos);
            failing = true;
            long quietFor = lastFailureNanos - lastRecoveryNanos;
            if (quietFor > Math.max(2 * recoveryDelayNanos, FORGET_AFTER_NANOS)) {
                recoveryDelayNanos = baseRecoveryDelayNanos; // the last trouble was long ago: start over
            }
        }
        bus().refresh();
    }

    /** The slow path: the lane is holding, closing, paused, or in a failure streak. */
    @Override
    Placement offer(ModelMetricEvent event, ProducerCounts.Cells cells, long deadline) {
        if (!filter.accepts(event)) {
            rejected(cells);
            return Placement.TAKEN;
        }
        Placement placement = deliver(event, deadline);
        if (placement == Placement.REFUSED) {
            rejected(cells); // not received after all: the emit's count took it
        }
        return placement;
    }

    @Override
    void takeHandedOn(ModelMetricEvent event) {
        if (!filter.accepts(event)) {
            return;
        }
        // Its emit never counted in this lane's generations, so drain() waits for it by this count:
        // with the volatile phase, either this sees the lane closing or drain sees it here.
        boolean closingNow;
        handingOn.incrementAndGet();
        try {
            closingNow = phase == Phase.CLOSING;
            if (!closingNow) {
                handedOn.increment();
                // Accepted already: it waits as long as the lane's policy lets it.
                if (deliver(event, Deadline.NONE) == Placement.REFUSED) {
                    droppedBlockTimeout.increment(); // the producer handing it on was interrupted
                }
            }
        } finally {
            handingOn.decrementAndGet();
        }
        if (closingNow) {
            // Out of drain()'s sight: passing it on does not call this lane's observer, and may wait
            // for a held replacement that the swap resumes only once this drain returns.
            Lane next = successor; // set before the phase is CLOSING
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
    private Placement deliver(ModelMetricEvent event, long deadline) {
        Phase current = phase;
        Placement held = current == Phase.HOLDING ? hold(event, deadline) : null;
        if (held != null) {
            return held;
        } else if (current == Phase.CLOSING && observer == null) {
            droppedClosed.increment(); // replaced, then closed before a resume gave it an observer
            return Placement.DROPPED;
        } else if (failures.isPaused()) {
            droppedPaused.increment();
            return Placement.DROPPED;
        } else if (call(event) == DELIVERED) {
            if (!failing || System.nanoTime() - lastFailureNanos <= recoveryDelayNanos) {
                return Placement.TAKEN; // back already, or not quiet long enough: decided without the lock, as most events are
            }
            boolean recovered;
            synchronized (this) {
                // Back to the direct path only after a quiet delay that doubles with each return:
                // each switch republishes the registry (a new generation, which every producer
                // thread counts in cells of its own), and an observer that keeps failing must not
                // be able to grow them at event rate, nor once a second for ever.
                long now = System.nanoTime();
                recovered = failing && phase == Phase.RUNNING && !failures.troubled()
                        && now - lastFailureNanos > recoveryDelayNanos;
                if (recovered) {
                    failing = false;
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
        return Placement.TAKEN;
    }

    /**
     * Keeps an event while holding, applying the overflow policy. Returns null if the hold ended
     * meanwhile (the caller delivers it), else what became of it.
     *
     * @param deadline the source's {@link Deadline} for a wait under {@code block}
     */
    private synchronized Placement hold(ModelMetricEvent event, long deadline) {
        long laneDeadline = policy.blockTimeout().map(timeout -> System.nanoTime() + timeout.toNanos()).orElse(0L);
        while (phase == Phase.HOLDING && held.size() >= policy.capacity()) {
            switch (policy.whenFull()) {
                case DROP_NEWEST -> {
                    droppedQueueFull.increment();
                    return Placement.DROPPED;
                }
                case DROP_OLDEST -> {
                    held.poll();
                    droppedEvicted.increment();
                }
                default -> {
                    long now = System.nanoTime();
                    if (Deadline.passed(deadline, now)) {
                        return Placement.REFUSED;
                    }
                    if (policy.blockTimeout().isPresent() && now - laneDeadline >= 0) {
                        droppedBlockTimeout.increment();
                        return Placement.DROPPED;
                    }
                    long left = Long.MAX_VALUE;
                    if (deadline != Deadline.NONE) {
                        left = deadline - now;
                    }
                    if (policy.blockTimeout().isPresent()) {
                        left = Math.min(left, laneDeadline - now);
                    }
                    try {
                        if (left == Long.MAX_VALUE) {
                            wait(); // until the resume or the drain
                        } else {
                            TimeUnit.NANOSECONDS.timedWait(this, left);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return Placement.REFUSED;
                    }
                }
            }
        }
        if (phase != Phase.HOLDING) {
            return null;
        }
        held.add(event);
        return Placement.TAKEN;
    }

    @Override
    boolean holdEvents() {
        holdFromStart();
        // Emits that still call the observer directly saw an older registry: wait for them.
        return bus().awaitEmitsBefore(bus().refresh(), this, policy.shutdownTimeout());
    }


    /** Makes the lane hold what it takes from now on, without waiting for calls in progress. */
    private void holdFromStart() {
        synchronized (this) {
            if (phase == Phase.RUNNING) {
                phase = Phase.HOLDING;
            }
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
                if (phase == Phase.HOLDING) {
                    phase = Phase.RUNNING;
                }
                failing = false;
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
            phase = Phase.CLOSING;
            droppedClosed.add(held.size());
            held.clear();
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
    synchronized long waiting() {
        return held.size();
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
