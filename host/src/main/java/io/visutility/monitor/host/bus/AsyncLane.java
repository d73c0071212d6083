package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers to its observer from a thread of its own. Events reach it two ways:
 * <ul>
 *   <li>through the {@link ProducerRing} of each producer thread, which the lane reads at its own
 *       position (a {@link RingReader}), a batch at a time: the fast path, where the producer
 *       writes an event once for every ring-fed lane and no atomic instruction;
 *   <li>through its own bounded queue ({@link LaneQueue}), which takes a ring's unread events when
 *       the lane falls behind it, and that ring's later events until the lane has caught up.
 * </ul>
 * A full queue applies the lane's {@link OverflowPolicy}; the producer never waits on the
 * observer, only, under {@link OverflowPolicy#BLOCK}, on free space, for as long as its source lets
 * it (see {@link Deadline}) or the lane's own block timeout allows.
 * Each producer's events reach the observer in emit order, whichever way each came.
 *
 * <p>The lane is the sum of small parts, each one concept: its lifecycle ({@link LaneState}), its
 * queue, its readers, how it idles and is woken ({@link IdleStrategy}), its consumer loop
 * ({@link DeliveryLoop}), and how it ends without losing what comes late ({@link LaneShutdown}).
 * The handshakes between them and the producers are named in {@code package-info.java}.
 *
 * <p>A resume (a hot reload's swap) hands the lane over to a new lane thread, so that thread locals
 * the old observer left on its thread (and, through them, its plugin's class loader) go with it.
 *
 * <p>Thread-safety: any number of producers may offer; one lane thread at a time consumes; hold,
 * resume and close come from one control thread at a time.
 */
final class AsyncLane extends Lane implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    private static final long HOLD_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    private final LaneState state;
    private final LaneQueue queue;
    private final LaneReaders readers = new LaneReaders();
    private final LaneCounters counters = new LaneCounters();
    private final IdleStrategy idle;
    private final LaneShutdown shutdown;
    private final DeliveryLoop loop;
    /** The thread delivering now; a resume hands over to a new one (see {@link #run}). */
    private volatile Thread thread;
    /**
     * How many resumes the lane has had: a lane thread started before the latest one hands over to
     * a new thread. Written by the control thread only.
     */
    private volatile long resumes;

    /** @param observer the observer, or null for a replacement that holds until a resume gives it one */
    AsyncLane(EventBus bus, String name, EventFilter filter, Observer observer, DispatchPolicy policy) {
        this(bus, name, filter, observer, policy, true);
    }

    private AsyncLane(EventBus bus, String name, EventFilter filter, Observer observer, DispatchPolicy policy,
                      boolean start) {
        super(bus, name, filter, observer, policy);
        this.state = new LaneState(observer == null ? LaneState.AWAITING_OBSERVER : LaneState.RUNNING);
        this.queue = new LaneQueue(this, policy);
        this.idle = new IdleStrategy(this);
        this.shutdown = new LaneShutdown(this, counters);
        this.loop = new DeliveryLoop(this, queue, readers, counters, idle, shutdown);
        if (start) {
            startThread();
        }
    }

    /**
     * A lane with no thread of its own, for a model checker that plays the lane thread through
     * {@link #deliverOnce()}; not registered on any bus.
     */
    static AsyncLane withoutThread(EventBus bus, String name, Observer observer, DispatchPolicy policy) {
        return new AsyncLane(bus, name, EventFilter.ALL, observer, policy, false);
    }

    /** One step of the lane thread's loop without idling: takes and delivers a batch (for a model checker). */
    int deliverOnce() {
        return loop.deliverBatch();
    }

    private void startThread() {
        // Neither inheritable thread locals nor the context class loader of the thread that starts
        // it (the old lane thread, in a plugin's call): nothing of the old plugin may come along.
        Thread next = new Thread(null, this, "lane-" + name, 0, false);
        next.setContextClassLoader(AsyncLane.class.getClassLoader());
        next.setDaemon(true);
        thread = next; // before start: a producer that sees the new thread's `sleeping` must unpark it
        next.start();
    }

    @Override
    public void run() {
        long startedAfter = resumes;
        boolean handedOver = false;
        try {
            if (loop.deliverUntilClosedOrRenewed(startedAfter)) {
                startThread(); // Thread.start orders this thread's consumer state for the next one
                handedOver = true;
            }
        } finally {
            if (!handedOver) {
                end();
            }
        }
    }

    /** The lane thread's end: the last look ("late hand-on"), then the lane is drained. */
    private void end() {
        try {
            idle.raise();
            state.end();
            // Producers that offered before seeing the end rely on this last look.
            shutdown.deliverLastLook();
        } finally {
            // Again, in case an error came first: producers in takeLate wait for the last look.
            state.end();
            if (shutdown.lastLookPending()) {
                shutdown.lastLookTaken();
            }
            observer = null; // producers' rings may still name this lane: not its plugin
            state.drained();
        }
    }

    // What producers call.

    /** Takes an event for a lane no ring feeds ({@code drop_oldest}), which never drops the newest. */
    @Override
    Placement offer(ModelMetricEvent event, ProducerCounts.Cells cells, long deadline) {
        return offerToQueue(event, null, deadline);
    }

    /**
     * Offers {@code event} to the lane's queue, applying its filter and its overflow policy.
     *
     * @param from     the reader of the ring whose producer offers, or null (see {@link LaneQueue#offer})
     * @param deadline the source's {@link Deadline} for a wait under {@code block}
     */
    Placement offerToQueue(ModelMetricEvent event, RingReader from, long deadline) {
        if (!filter.accepts(event)) {
            return Placement.TAKEN;
        }
        Placement placement = queue.offer(event, from, deadline);
        if (placement == Placement.TAKEN) {
            afterOffer();
        }
        return placement;
    }

    /** Takes events a producer moved out of its ring because the lane had not read them (see {@link LaneQueue#evacuate}). */
    void evacuate(RingReader reader, ModelMetricEvent[] events, int count) {
        if (queue.evacuate(reader, events, count)) {
            afterOffer();
        }
    }

    @Override
    void takeHandedOn(ModelMetricEvent event) {
        // Accepted already: it waits as long as the lane's policy lets it.
        if (offerToQueue(event, null, Deadline.NONE) == Placement.REFUSED) {
            queue.countBlockTimeout(); // the producer handing it on was interrupted
        }
    }

    /** After an offer's compare-and-set (a full fence): "publish vs sleep" and "late hand-on" from the queue's side. */
    private void afterOffer() {
        // The padded flag, which changes only when the lane is about to park, closes or ends: it is
        // raised before `sleeping` or the end are set.
        if (idle.raised()) {
            attend();
        }
    }

    /** A producer that saw the lane's attention raised, after a full fence: wakes it, or takes what it missed. */
    void attend() {
        if (idle.sleeping()) {
            wake();
        }
        if (state.ended()) {
            takeLate();
        }
    }

    void wakeIfSleeping() {
        if (idle.sleeping()) {
            wake();
        }
    }

    private void wake() {
        LockSupport.unpark(thread);
    }

    /** Takes what reached the ended lane late (see {@link LaneShutdown#takeLate}). */
    void takeLate() {
        shutdown.takeLate();
    }

    boolean ended() {
        return state.ended();
    }

    /** Whether the lane is closing past its shutdown timeout (see {@link LaneShutdown#overdue}). */
    boolean overdue() {
        return shutdown.overdue();
    }

    // The parts, for each other.

    /** How many resumes the lane has had (see {@link #run}). */
    long resumes() {
        return resumes;
    }

    LaneState state() {
        return state;
    }

    LaneQueue queue() {
        return queue;
    }

    LaneReaders readers() {
        return readers;
    }

    Sequence attentionFlag() {
        return idle.flag();
    }

    boolean ringFed() {
        return queue.ringFed();
    }

    /**
     * Whether the batch, the rings and the queue hold nothing more for this lane. The queue is
     * looked at last: a producer moving a ring's events into it marks the reader detached first,
     * and counts itself as evacuating before that.
     */
    boolean nothingLeft() {
        return loop.isEmpty() && readers.allRead() && queue.emptyAndSettled();
    }

    // Hold, resume and close: from the control thread.

    @Override
    boolean holdEvents() {
        state.requestHold();
        wake();
        long deadline = System.nanoTime() + policy.shutdownTimeout().toNanos();
        while (true) {
            int now = state.get(); // not thread.isAlive(): a thread being handed over to is not started yet
            if (now == LaneState.HELD || now == LaneState.AWAITING_OBSERVER || now >= LaneState.ENDED) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(HOLD_POLL_NANOS);
        }
    }

    @Override
    int resumeWith(Observer next) {
        observer = next; // before the state: the lane thread that sees it running sees the new observer
        resumes++; // the control thread's only: the lane thread that sees it renews itself
        int buffered = queue.size() + counters.held() + readers.unread();
        state.resume();
        wake();
        return buffered;
    }

    @Override
    void drain() {
        long timeout = policy.shutdownTimeout().toNanos();
        shutdown.startClock(timeout);
        state.close();
        // From here to the end producers fence and look at the state after each publish, so an
        // event published while the lane ends is taken either by its last look or by the producer
        // itself ("late hand-on").
        idle.raiseForClose();
        wake();
        long deadline = System.nanoTime() + timeout + TimeUnit.SECONDS.toNanos(1);
        try {
            // The lane thread counts what it cannot deliver by the deadline, so this wait is bounded
            // unless the observer does not return from one onEvent call. Wait for the state, not for
            // one thread: a thread handing over ends early, and its successor may not have started
            // yet (joining an unstarted thread returns at once).
            long left;
            while (state.get() != LaneState.DRAINED && (left = deadline - System.nanoTime()) > 0) {
                Thread delivering = thread;
                if (delivering.isAlive()) {
                    delivering.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } else {
                    LockSupport.parkNanos(HOLD_POLL_NANOS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (state.get() != LaneState.DRAINED) {
            LOG.error("observer '{}' has not returned from onEvent within its shutdown timeout of {} ms; "
                    + "{} events are still queued behind it", name, policy.shutdownTimeout().toMillis(), queue.size());
        }
    }

    @Override
    long waiting() {
        return (long) queue.size() + counters.held() + readers.unread();
    }

    @Override
    public ObserverStats stats() {
        // The lane publishes what it holds (and what it took late: dropped or handed on) before the
        // count taken from rings, and its delivered, failed and shutdown counts before what it
        // holds. Read in the reverse order (what was handed on is subtracted, so read first), a
        // snapshot taken while the lane works may count an event twice but does not miss one,
        // except events being polled from the queue into a batch. At rest they all add up.
        long handedOn = shutdown.handedOn();
        long fromRings = counters.takenFromRings.get();
        long consumed = queue.consumerIndex();
        long produced = queue.producerIndex();
        long queueFull = readers.queueFull();
        long blockTimeout = queue.blockTimeouts();
        int held = counters.held();
        return new ObserverStats(name, DispatchMode.ASYNC, produced + queueFull + blockTimeout + fromRings - handedOn,
                counters.delivered.get(), counters.failed.get(),
                Map.of(DropReason.QUEUE_FULL, queueFull, DropReason.EVICTED, queue.evicted(),
                        DropReason.BLOCK_TIMEOUT, blockTimeout, DropReason.PAUSED, counters.droppedPaused.get(),
                        DropReason.SHUTDOWN, counters.droppedShutdown.get(),
                        DropReason.CLOSED, shutdown.droppedClosed()),
                Math.max(0, produced - consumed) + held, failures.paused(), counters.processingTime.snapshot());
    }

    // For tests.

    /** Whether the lane thread is parked, or about to park, waiting for a producer. */
    boolean sleeping() {
        return idle.sleeping();
    }

    /** The events this lane handed on to the lane that replaced it, after it ended. */
    long handedOn() {
        return shutdown.handedOn();
    }

    /** How often a producer has reattached this lane to its ring after it fell behind. */
    long reattachments() {
        return counters.reattached.get();
    }

    /** How many producers' rings this lane reads now. */
    int ringsRead() {
        return readers.current().length;
    }
}
