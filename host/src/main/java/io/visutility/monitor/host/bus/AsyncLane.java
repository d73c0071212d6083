package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpmcArrayQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.QueueProgressIndicators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers to its observer from a thread of its own. Events reach it two ways:
 * <ul>
 *   <li>through the {@link ProducerRing} of each producer thread, which the lane reads at its own
 *       position, a batch at a time: the fast path, where the producer writes an event once for
 *       every ring-fed lane and no atomic instruction;
 *   <li>through its own bounded lock-free queue (JCTools' multi-producer single-consumer array
 *       queue), which takes a ring's unread events when the lane falls behind it, and that ring's
 *       later events until the lane has caught up. A lane with {@link OverflowPolicy#DROP_OLDEST}
 *       takes every event this way (a multi-consumer queue, where a producer removes the oldest).
 * </ul>
 * A full queue applies the lane's {@link OverflowPolicy}; the producer never waits on the
 * observer, only, under {@link OverflowPolicy#BLOCK}, on free space, for at most the block timeout.
 * Each producer's events reach the observer in emit order, whichever way each came.
 *
 * <p>When there is nothing to deliver the lane spins briefly, yields, then takes short timed naps
 * (so that under steady traffic no producer pays for a wake-up call), and after about
 * {@value #NAPS} naps of {@code 50µs} without an event parks until a producer wakes it, or for at
 * most a second: an idle lane uses next to no CPU. Before its last {@value #NAPS_WITH_ATTENTION}
 * naps it raises {@code attention}, a flag on a cache line of its own, and counts itself in each
 * ring it reads; a producer reads its ring's count after each publish, and only while it is not
 * zero does it read the lanes' flags, and for a raised one pay for a full fence and look at
 * {@code sleeping}. (Not before the first nap: lanes that keep up with their producers nap often,
 * and each raise would cost every producer a cache miss and then a fence per event.) The lane
 * announces {@code sleeping} before its last look at the rings and queue, so a producer that saw
 * {@code attention} cannot miss waking it. One that published in the nanoseconds before the flag
 * became visible is caught by the millisecond of naps in between, and, in theory only (the Java
 * memory model sets no time bound on visibility), by the timed park.
 *
 * <p>A resume (a hot reload's swap) hands the lane over to a new lane thread, so that thread locals
 * the old observer left on its thread (and, through them, its plugin's class loader) go with it.
 *
 * <p>A lane that has ended still takes what producers send it late: its thread's last look
 * delivers what producers left before they could see the end; what comes after goes to the lane
 * that replaced it ({@link EventBus#replace}) or is counted as {@link DropReason#CLOSED}.
 *
 * <p>Thread-safety: any number of producers may offer; only the lane thread consumes (one at a
 * time: the old thread starts the next one and ends), except after it has terminated, when
 * producers take what reaches it late under {@code lateLock}, after the lane thread's last look.
 * Counters the lane thread owns are {@link SingleWriterCounter}s, and so are the
 * {@code queue_full} drops a ring's producer counts (in its {@link ProducerRing.Reader}); other
 * producers' counts are {@link LongAdder}s.
 */
final class AsyncLane extends Lane implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    private static final int BATCH = 256;
    static final long TIME_EACH_CALL_ABOVE_NANOS = 1_000;
    /** Every how many batches a busy lane looks for rings of producer threads that have ended. */
    private static final int LOOK_FOR_ENDED_RINGS = 4096;
    private static final int SPINS = 100;
    private static final int YIELDS = 100;
    /** Timed naps while traffic may resume soon: no producer has to wake the lane. */
    private static final int NAPS = 200;
    /** The last naps, about a millisecond, during which the lane's attention is raised. */
    private static final int NAPS_WITH_ATTENTION = 20;
    private static final long NAP_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long MIN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int BLOCK_YIELDS = 100;
    private static final long BLOCK_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    private final MessagePassingQueue<ModelMetricEvent> queue;
    private final QueueProgressIndicators indices;
    /** Whether producers' rings feed this lane (every policy but drop_oldest). */
    final boolean ringFed;
    /** The rings this lane reads, one reader each; producers add and remove theirs. */
    private volatile ProducerRing.Reader[] readers = new ProducerRing.Reader[0];
    private final Batch batch = new Batch();
    /** The thread delivering now; a resume hands over to a new one (see {@link #resumeWith}). */
    private volatile Thread thread;
    /** Guards the readers list, the attention counts in their rings and the drops counted beyond them. */
    private final Object exitLock = new Object();
    /**
     * Serializes what consumes the lane's buffers once it has ended: its thread's last look, then
     * producers taking what came late. Not {@code exitLock}: a producer handing on to a held
     * replacement may keep this one until the swap resumes that lane, and the swap must not wait
     * for it (drain() takes {@code exitLock}).
     */
    private final Object lateLock = new Object();

    private final SingleWriterCounter delivered = new SingleWriterCounter();
    private final SingleWriterCounter failed = new SingleWriterCounter();
    private final SingleWriterCounter droppedShutdown = new SingleWriterCounter();
    /** Producers moving a ring's unread events into the queue right now (see {@link #nothingLeft}). */
    final AtomicInteger evacuations = new AtomicInteger();
    /** How often a producer reattached this lane to its ring (for tests). */
    private final SingleWriterCounter reattached = new SingleWriterCounter();
    /** Events the filter accepted that the lane read from rings. */
    private final SingleWriterCounter takenFromRings = new SingleWriterCounter();
    private final ProcessingTimeHistogram processingTime = new ProcessingTimeHistogram();
    /**
     * The {@code queue_full} drops counted outside the listed readers: those of readers the lane has
     * let go, and those of events a replaced lane handed on; guarded by {@code exitLock}.
     */
    private long droppedQueueFullElsewhere;
    /**
     * Events this lane took after it ended and handed on to its {@code successor}: received by
     * the successor, not by this lane. Written under {@code lateLock}.
     */
    private volatile long handedOn;
    /** Whether the lane thread has taken its last look after ending (see {@link #takeLate()}); guarded by lateLock. */
    private boolean lastLookTaken;
    /** Set once the lane thread has delivered what its last look took: the lane is drained. */
    private volatile boolean finished;
    private final LongAdder droppedEvicted = new LongAdder();
    private final LongAdder droppedBlockTimeout = new LongAdder();
    private final LongAdder droppedClosed = new LongAdder();

    volatile boolean sleeping;
    /**
     * Raised (at {@code PAD}) while the lane may park or has terminated: a producer reading it then
     * fences and checks {@code sleeping} and {@code terminated}. Padded: producers read it after
     * each publish while their ring counts a raised lane, and with each offer to the queue.
     */
    final long[] attention = new long[3 * ProducerRing.PAD];
    /** Lane-owned: whether the lane thread raised {@code attention} (drain() may have raised it too). */
    private boolean attentionRaised;
    /** Whether this lane counts as raised in its readers' rings; guarded by {@code exitLock}. */
    private boolean attentionInRings;
    /** Lane-owned: how long the next sleep may last before the lane looks again. */
    private long sleepNanos = MIN_SLEEP_NANOS;
    private volatile boolean holdRequested;
    /** Set by a resume: the next observer gets a new lane thread, free of the old one's thread locals. */
    private volatile boolean renewThread;
    private volatile boolean held;
    private volatile boolean closing;
    volatile boolean terminated;
    private volatile long closeDeadline;

    AsyncLane(EventBus bus, String name, EventFilter filter, Observer observer, DispatchPolicy policy) {
        super(bus, name, filter, observer, policy);
        if (policy.whenFull() == OverflowPolicy.DROP_OLDEST) {
            MpmcArrayQueue<ModelMetricEvent> mpmc = new MpmcArrayQueue<>(policy.capacity());
            this.queue = mpmc;
            this.indices = mpmc;
            this.ringFed = false;
        } else {
            MpscArrayQueue<ModelMetricEvent> mpsc = new MpscArrayQueue<>(policy.capacity());
            this.queue = mpsc;
            this.indices = mpsc;
            this.ringFed = true;
        }
        startThread();
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

    /**
     * The events the lane thread has taken and not yet delivered (a hold may stop a batch midway),
     * and its other bookkeeping between batches. An object of its own: the lane thread writes it for
     * every event, and producers read the lane's own fields for every offer.
     *
     * <p>Thread-safety: owned by the lane thread; {@link #held} may be read by any.
     */
    private static final class Batch {
        private static final VarHandle HELD;

        static {
            try {
                HELD = MethodHandles.lookup().findVarHandle(Batch.class, "held", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final ModelMetricEvent[] events = new ModelMetricEvent[BATCH];
        /** The next event to deliver. */
        int start;
        int end;
        /** What {@link #held()} returns: published with the delivered count, so that the counters add up. */
        @SuppressWarnings("unused") // accessed through HELD
        private int held;
        /** Which source the next batch comes from: 0 the queue, i reader i - 1. */
        int source;
        /** Batches taken, for {@link #LOOK_FOR_ENDED_RINGS}. */
        long takes;
        /** Whether the next batch times each call (see {@link #deliverPending}). */
        boolean timeEachCall = true;

        void start(int count) {
            start = 0;
            end = count;
            HELD.setRelease(this, count);
        }

        boolean isEmpty() {
            return start == end;
        }

        /** Publishes how many events are left, for {@link #held()}. */
        void publishHeld() {
            publishHeld(end - start);
        }

        /** Publishes {@code count} as what the lane holds: for its last look, which delivers from a list of its own. */
        void publishHeld(int count) {
            HELD.setRelease(this, count);
        }

        /** How many events the lane has taken and not yet delivered or counted, as last published. */
        int held() {
            return (int) HELD.getAcquire(this);
        }
    }

    /** Takes an event for a lane no ring feeds ({@code drop_oldest}), which never drops the newest. */
    @Override
    void offer(ModelMetricEvent event, ProducerCounts.Cells cells) {
        offerToQueue(event, null);
    }

    /**
     * Offers {@code event} to the lane's queue, applying its filter and its overflow policy.
     *
     * @param from the reader of the ring whose producer offers (it counts that producer's
     *             {@code queue_full} drops), or null for a lane no ring feeds and for an event the
     *             lane this one replaced hands on
     */
    void offerToQueue(ModelMetricEvent event, ProducerRing.Reader from) {
        if (!filter.accepts(event)) {
            return;
        }
        if (!queue.offer(event) && !offerWhenFull(event, from)) {
            return;
        }
        afterOffer();
    }

    /**
     * Takes {@code events[0..count)}, which the reader's producer moved out of its ring because the
     * lane had not read them, and which the lane's filter accepted: into the queue while it has
     * room, claimed a batch at a time; the rest are dropped as the policy counts them (a blocking
     * producer waited for the ring already). Called by the ring's producer only.
     */
    void evacuate(ProducerRing.Reader reader, ModelMetricEvent[] events, int count) {
        Replay replay = new Replay(events);
        int moved = 0;
        int claimed;
        while (moved < count && (claimed = queue.fill(replay, count - moved)) > 0) {
            moved += claimed; // fill asks the replay for exactly what it claimed
        }
        int dropped = count - moved;
        if (dropped > 0) {
            if (policy.whenFull() == OverflowPolicy.BLOCK) {
                droppedBlockTimeout.add(dropped);
            } else {
                reader.queueFull.add(dropped);
            }
        }
        if (moved > 0) {
            afterOffer();
        }
    }

    /** Events from an array, in order, for {@link MessagePassingQueue#fill}. */
    private static final class Replay implements MessagePassingQueue.Supplier<ModelMetricEvent> {
        private final ModelMetricEvent[] events;
        private int next;

        Replay(ModelMetricEvent[] events) {
            this.events = events;
        }

        @Override
        public ModelMetricEvent get() {
            return events[next++];
        }
    }

    /** After an offer's compare-and-set (a full fence): wakes a lane that may be parking, or counts into an ended one. */
    private void afterOffer() {
        // The padded flag, which changes only when the lane is about to park, closes or ends, not
        // the unpadded `sleeping` and `terminated`: it is raised before either is set.
        if ((long) ProducerRing.LONGS.getVolatile(attention, ProducerRing.PAD) != 0) {
            if (sleeping) {
                LockSupport.unpark(thread);
            }
            if (terminated) {
                takeLate();
            }
        }
    }

    /**
     * A producer's wait under {@link OverflowPolicy#BLOCK}: until {@code done} (asked again after
     * each pause), for at most the block timeout. Returns whether {@code done} came true.
     */
    boolean blockUntil(BooleanSupplier done) {
        long deadline = System.nanoTime() + policy.blockTimeout().toNanos();
        int attempts = 0;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            if (sleeping) {
                LockSupport.unpark(thread);
            }
            // Yield first: on a busy machine that is what lets the lane thread make room.
            if (attempts++ < BLOCK_YIELDS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(BLOCK_PARK_NANOS);
            }
        }
        return true;
    }

    /** Unparks the lane thread. */
    void wake() {
        LockSupport.unpark(thread);
    }

    /**
     * Where a new reader's lane starts reading its ring: once its queue is past what it holds now,
     * -1 if the queue is empty. What it holds may include events the lane this one replaced
     * handed on from that reader's producer, which must come first; other events only make the
     * lane start on the ring a little later.
     */
    long queueMarkForNewReader() {
        long produced = indices.currentProducerIndex();
        return produced > indices.currentConsumerIndex() ? produced : -1;
    }

    void addReader(ProducerRing.Reader reader) {
        synchronized (exitLock) {
            ProducerRing.Reader[] current = readers;
            ProducerRing.Reader[] grown = Arrays.copyOf(current, current.length + 1);
            grown[current.length] = reader;
            if (attentionInRings) {
                reader.ring.addAttention(1);
            }
            readers = grown;
        }
    }

    /**
     * Lets a reader go, keeping the drops its producer counted. Called by that producer, or once it
     * has ended: no one counts in the reader after this.
     */
    void removeReader(ProducerRing.Reader reader) {
        synchronized (exitLock) { // with stats(): the drops are counted in one place or the other
            ProducerRing.Reader[] current = readers;
            ProducerRing.Reader[] left = Arrays.stream(current).filter(r -> r != reader)
                    .toArray(ProducerRing.Reader[]::new);
            if (left.length < current.length) { // its producer and the lane may both let it go
                droppedQueueFullElsewhere += reader.queueFull.get();
                readers = left;
                if (attentionInRings) {
                    reader.ring.addAttention(-1);
                }
            }
        }
    }

    /** The events this lane handed on to the lane that replaced it, after it ended. */
    long handedOn() {
        return handedOn;
    }

    /** The lane's {@code queue_full} drops, its own and those its readers' producers counted. */
    private long droppedQueueFull() {
        synchronized (exitLock) {
            long total = droppedQueueFullElsewhere;
            for (ProducerRing.Reader reader : readers) {
                total += reader.queueFull.get();
            }
            return total;
        }
    }

    /** Applies the overflow policy; returns whether the event is now queued. */
    private boolean offerWhenFull(ModelMetricEvent event, ProducerRing.Reader from) {
        switch (policy.whenFull()) {
            case DROP_NEWEST -> {
                if (from != null) {
                    from.queueFull.increment();
                } else {
                    synchronized (exitLock) { // an event a replaced lane handed on
                        droppedQueueFullElsewhere++;
                    }
                }
                return false;
            }
            case DROP_OLDEST -> {
                do {
                    if (queue.relaxedPoll() != null) {
                        droppedEvicted.increment();
                    }
                } while (!queue.offer(event));
                return true;
            }
            default -> {
                if (blockUntil(() -> queue.offer(event))) {
                    return true;
                }
                droppedBlockTimeout.increment();
                return false;
            }
        }
    }

    @Override
    public void run() {
        boolean handedOver = false;
        try {
            handedOver = deliverUntilClosedOrRenewed();
        } finally {
            if (!handedOver) {
                try {
                    raiseAttention(true);
                    terminated = true;
                    // Producers that offered before seeing `terminated` rely on this last look.
                    deliverLastLook();
                } finally {
                    // Again, in case an error came first: producers in takeLate wait for the last look.
                    // (Only this thread sets lastLookTaken, so it may read it without the lock; and it must
                    // not wait for lateLock again: a producer handing on to a held replacement may keep it
                    // until the swap resumes that lane, and the swap waits for this thread.)
                    terminated = true;
                    if (!lastLookTaken) {
                        lastLookTaken();
                    }
                    observer = Lane.AWAITING_RESUME; // producers' rings may still name this lane: not its plugin
                    finished = true;
                }
            }
        }
    }

    /** Returns true if a new thread took over, false when the lane is closed and drained. */
    private boolean deliverUntilClosedOrRenewed() {
        int idle = 0;
        while (true) {
            if (holdRequested && !closing) {
                waitWhileHeld();
                continue;
            }
            if (renewThread) {
                // A plugin's thread locals on this thread would keep its old class loader alive:
                // the replacement observer runs on a fresh thread. Thread.start orders the queue's
                // consumer state for it.
                renewThread = false;
                startThread();
                return true;
            }
            int taken = deliverBatch();
            if (taken > 0) {
                idle = 0;
                if (attentionRaised && !closing) {
                    raiseAttention(false);
                    if (closing) {
                        raiseAttention(true); // drain() raised it between the look and the store
                    }
                    sleepNanos = MIN_SLEEP_NANOS;
                }
            } else if (closing && nothingLeft()) {
                return false;
            } else {
                idle = idle(idle);
            }
        }
    }

    /** Delivers what a hold left pending, or else the next batch from the next source. Returns the events handled. */
    private int deliverBatch() {
        if (batch.isEmpty()) {
            int taken = takeNext();
            if (taken == 0) {
                return 0;
            }
            if (batch.isEmpty()) {
                return taken; // the filter took none of them
            }
        }
        return deliverPending();
    }

    /** Fills the batch from the queue or from one ring, taking turns. Returns the events taken. */
    private int takeNext() {
        if (++batch.takes % LOOK_FOR_ENDED_RINGS == 0) {
            letEndedRingsGo(); // under steady traffic too, not only when idle
        }
        ProducerRing.Reader[] current = readers;
        for (int tried = 0; tried <= current.length; tried++) {
            int from = batch.source > current.length ? 0 : batch.source; // readers may have left
            batch.source = from == current.length ? 0 : from + 1;
            int taken = from == 0 ? takeFromQueue() : takeFromRing(current[from - 1]);
            if (taken > 0) {
                return taken;
            }
        }
        return 0;
    }

    private int takeFromQueue() {
        ModelMetricEvent[] events = batch.events;
        int taken = 0;
        ModelMetricEvent event;
        while (taken < BATCH && (event = queue.relaxedPoll()) != null) {
            events[taken++] = event;
        }
        batch.start(taken);
        return taken;
    }

    /**
     * Takes up to a batch from one ring: copies out the events the filter accepts, then claims the
     * batch with one compare-and-set of the position; if a producer detached the lane first, the
     * copies are dropped (the producer moved the events into the queue). Copying before claiming is
     * what makes this safe: once the lane no longer holds the position, the producer may reuse
     * those slots at any time.
     */
    private int takeFromRing(ProducerRing.Reader reader) {
        // comeBack before the position: the producer reattaches by storing the position, then
        // clearing comeBack, so a cleared comeBack means the position read next is the reattached
        // one, or a later detach.
        boolean answered = reader.asked && !reader.comeBack;
        long position = reader.position();
        if (position == ProducerRing.DETACHED) {
            if (answered) {
                // Reattached and detached again before this lane looked: all of it went to the queue.
                reader.asked = false;
            }
            if (!reader.asked && queue.isEmpty()) {
                reader.asked = true;
                reader.comeBack = true;
            }
            return 0;
        }
        if (reader.asked) {
            // Reattached: this ring's earlier events are in the queue, up to its producer index now.
            reader.asked = false;
            reader.queueMark = indices.currentProducerIndex();
            reattached.increment();
        }
        if (reader.queueMark >= 0) {
            if (indices.currentConsumerIndex() < reader.queueMark) {
                return 0;
            }
            reader.queueMark = -1;
        }
        long last = reader.last();
        if (last < position) {
            return 0;
        }
        // At most `limit`: so a lane stuck in onEvent holds no more taken events than it may trail by.
        int taken = (int) Math.min(Math.min(BATCH, reader.limit), last - position + 1);
        ModelMetricEvent[] events = batch.events;
        int accepted = 0;
        for (int k = 0; k < taken; k++) {
            ModelMetricEvent event = reader.eventAt(position + k);
            if (filter.accepts(event)) {
                events[accepted++] = event;
            }
        }
        if (!reader.claim(position, position + taken)) {
            Arrays.fill(events, 0, accepted, null);
            return 0;
        }
        batch.start(accepted); // before the count of what was taken: see stats()
        takenFromRings.add(accepted);
        return taken;
    }

    /**
     * Delivers the batch until it is empty or a hold is requested.
     *
     * <p>Calls are timed one by one while they take {@value #TIME_EACH_CALL_ABOVE_NANOS} ns or more
     * on average; below that a clock read would cost about as much as the call, so the lane reads
     * the clock once per batch and counts each call at the batch's average. A lane starts timing
     * each call, and switches after each batch by that batch's average. The counters are published
     * after each slow call, failure, shutdown drop and batch: the delivered count, then what is left.
     */
    private int deliverPending() {
        Batch b = batch;
        ModelMetricEvent[] events = b.events;
        boolean eachCall = b.timeEachCall;
        int first = b.start;
        int handled = 0;
        int timed = 0;
        long delivered = 0;
        long start = System.nanoTime();
        long before = start;
        long paused = 0;
        while (b.start < b.end && !(holdRequested && !closing)) {
            ModelMetricEvent event = events[b.start++];
            handled++;
            if (closing && droppedAtClose()) {
                this.delivered.add(delivered);
                delivered = 0;
                b.publishHeld();
                continue;
            }
            long outcome = call(event);
            if (eachCall) {
                long after = System.nanoTime();
                processingTime.record(after - before, 1);
                before = after;
            } else {
                timed++;
            }
            if (outcome == DELIVERED) {
                delivered++;
            } else {
                failed.increment();
            }
            if (eachCall || outcome != DELIVERED) {
                this.delivered.add(delivered);
                delivered = 0;
                b.publishHeld();
            }
            if (outcome > 0) {
                if (timed > 0) {
                    processingTime.record(System.nanoTime() - before, timed);
                    timed = 0;
                }
                long pauseStart = System.nanoTime();
                pause(outcome);
                before = System.nanoTime();
                paused += before - pauseStart;
            }
        }
        Arrays.fill(events, first, b.start, null); // let the delivered events go
        long end = timed > 0 || handled > 0 ? System.nanoTime() : start;
        if (timed > 0) {
            processingTime.record(end - before, timed);
        }
        if (handled > 0) {
            b.timeEachCall = (end - start - paused) / handled >= TIME_EACH_CALL_ABOVE_NANOS;
        }
        this.delivered.add(delivered);
        b.publishHeld();
        return handled;
    }

    /**
     * Whether the queue, the rings and the batch hold nothing more for this lane. The queue is
     * looked at last: a producer moving a ring's events into it marks the reader detached first,
     * and counts itself in {@code evacuations} before that.
     */
    private boolean nothingLeft() {
        if (!batch.isEmpty()) {
            return false;
        }
        for (ProducerRing.Reader reader : readers) {
            long position = reader.position();
            if (position != ProducerRing.DETACHED && reader.lastVolatile() >= position) {
                return false;
            }
        }
        return evacuations.get() == 0 && queue.isEmpty();
    }

    private void waitWhileHeld() {
        held = true;
        while (holdRequested && !closing) {
            LockSupport.park(this);
        }
        held = false;
    }

    @Override
    boolean holdEvents() {
        holdRequested = true;
        LockSupport.unpark(thread);
        long deadline = System.nanoTime() + policy.shutdownTimeout().toNanos();
        while (!held && !terminated) { // not thread.isAlive(): a thread being handed over to is not started yet
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(BLOCK_PARK_NANOS);
        }
        return true;
    }

    @Override
    long droppedBlockTimeout() {
        return droppedBlockTimeout.sum();
    }

    @Override
    void holdFromStart() {
        holdRequested = true; // the lane thread sees it before its first event, which cannot have come yet
    }

    @Override
    int resumeWith(Observer next) {
        observer = next;
        int buffered = queue.size() + batch.held() + unreadInRings();
        renewThread = true;
        holdRequested = false;
        LockSupport.unpark(thread);
        return buffered;
    }

    /** Events in the rings this lane has not read, whether or not its filter takes them. */
    private int unreadInRings() {
        long unread = 0;
        for (ProducerRing.Reader reader : readers) {
            long position = reader.position();
            if (position != ProducerRing.DETACHED) {
                unread += Math.max(0, reader.last() + 1 - position);
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, unread);
    }

    private void pause(long nanos) {
        long until = System.nanoTime() + nanos;
        long left;
        while (!closing && !holdRequested && (left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
        }
        failures.resumed();
    }

    private int idle(int idle) {
        if (idle < SPINS) {
            Thread.onSpinWait();
        } else if (idle < SPINS + YIELDS) {
            Thread.yield();
        } else if (idle < SPINS + YIELDS + NAPS) {
            if (!attentionRaised && idle >= SPINS + YIELDS + NAPS - NAPS_WITH_ATTENTION) {
                raiseAttention(true);
                letEndedRingsGo();
            }
            LockSupport.parkNanos(this, NAP_NANOS);
        } else {
            sleeping = true;
            if (nothingLeft() && !closing) {
                LockSupport.parkNanos(this, sleepNanos);
                sleepNanos = Math.min(MAX_SLEEP_NANOS, 2 * sleepNanos);
            }
            sleeping = false;
            return idle; // back to sleep, for longer, unless this look finds work
        }
        return idle + 1;
    }

    /** Lets go of the rings of producer threads that have ended, once it has read all they hold. */
    private void letEndedRingsGo() {
        for (ProducerRing.Reader reader : readers) {
            // A thread seen ended has published its last event, and that is visible here (JLS 17.4.4).
            if (!reader.ring.owner.isAlive()) {
                long position = reader.position();
                if (position == ProducerRing.DETACHED || reader.lastVolatile() < position) {
                    removeReader(reader);
                    bus().forget(reader.ring);
                }
            }
        }
    }

    /** How often a producer has reattached this lane to its ring after it fell behind (for tests). */
    long reattachments() {
        return reattached.get();
    }

    /** How many producers' rings this lane reads now (for tests). */
    int ringsRead() {
        return readers.length;
    }

    private void raiseAttention(boolean raised) {
        attentionRaised = raised;
        setAttention(raised);
    }

    /**
     * Raises or lowers {@code attention}, and with it this lane's share of the count of raised
     * lanes in each ring it reads (which producers read first: see {@link ProducerRing#publish}).
     * Raising counts first, then the flag: a producer that could see the raised flag sees the
     * count too, and so looks at the flag. (Lowering order does not matter: the lane is awake.)
     */
    private void setAttention(boolean raised) {
        synchronized (exitLock) {
            if (raised && !attentionInRings) {
                attentionInRings = true;
                for (ProducerRing.Reader reader : readers) {
                    reader.ring.addAttention(1);
                }
            }
            ProducerRing.LONGS.setVolatile(attention, ProducerRing.PAD, raised ? 1L : 0L);
            if (!raised && attentionInRings) {
                attentionInRings = false;
                for (ProducerRing.Reader reader : readers) {
                    reader.ring.addAttention(-1);
                }
            }
        }
    }

    /**
     * The lane thread's last look, once it has ended: takes what producers that had not yet seen
     * {@code terminated} left in the queue and the rings, and delivers it (within the shutdown
     * timeout, as any event during a drain).
     */
    private void deliverLastLook() {
        List<ModelMetricEvent> last = new ArrayList<>();
        synchronized (lateLock) {
            long fromRings = sweep(last);
            batch.publishHeld(last.size()); // before the count taken from rings: see stats()
            takenFromRings.add(fromRings);
            lastLookTaken();
        }
        for (int i = 0; i < last.size(); i++) {
            if (!droppedAtClose()) {
                long before = System.nanoTime();
                long outcome = call(last.get(i));
                processingTime.record(System.nanoTime() - before, 1);
                if (outcome == DELIVERED) {
                    delivered.increment();
                } else {
                    failed.increment();
                }
            }
            batch.publishHeld(last.size() - i - 1);
        }
    }

    /**
     * Counts an event that a closing lane can no longer deliver, and returns whether it did: one
     * a replacement holds when it is closed before a resume gave it an observer, or one still
     * undelivered past the shutdown deadline.
     */
    private boolean droppedAtClose() {
        if (observer == Lane.AWAITING_RESUME) {
            droppedClosed.increment();
            return true;
        }
        if (System.nanoTime() - closeDeadline > 0) {
            droppedShutdown.increment();
            return true;
        }
        return false;
    }

    /** Lets producers waiting in {@link #takeLate()} go on. */
    private void lastLookTaken() {
        synchronized (lateLock) {
            lastLookTaken = true;
            lateLock.notifyAll();
        }
    }

    /**
     * Takes what producers offered or published after the lane ended and took its last look: hands
     * it on to the lane that replaced this one, or counts it as dropped ({@link DropReason#CLOSED}).
     * Called by producers that saw {@code terminated}; their emit does not return before.
     */
    void takeLate() {
        boolean interrupted = false;
        synchronized (lateLock) {
            // The last look goes first: it takes the events of producers that did not see
            // `terminated`, and those producers do not come here; so every event taken here is
            // from a producer that waits for this lock before its next emit, which keeps its order.
            while (!lastLookTaken) {
                try {
                    lateLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            List<ModelMetricEvent> late = new ArrayList<>();
            long fromRings = sweep(late);
            Lane next = successor;
            if (next == null) {
                droppedClosed.add(late.size()); // received, and then dropped; before the count taken
            }
            takenFromRings.add(fromRings);
            if (next != null) {
                handedOn += late.size(); // only under lateLock; after the count taken: see stats()
                for (ModelMetricEvent event : late) {
                    next.takeHandedOn(event);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Takes what the queue and the rings hold for this lane into {@code into}, under
     * {@code lateLock} once the lane has ended; returns how many came from rings.
     */
    private long sweep(List<ModelMetricEvent> into) {
        ModelMetricEvent event;
        while ((event = queue.relaxedPoll()) != null || !queue.isEmpty()) {
            if (event != null) {
                into.add(event);
            }
        }
        long fromRings = 0;
        for (ProducerRing.Reader reader : readers) {
            fromRings += sweep(reader, into);
        }
        return fromRings;
    }

    /** Claims what one ring holds for this lane into {@code into}, as {@link #takeFromRing} does; returns how many. */
    private long sweep(ProducerRing.Reader reader, List<ModelMetricEvent> into) {
        long taken = 0;
        long position;
        while ((position = reader.position()) != ProducerRing.DETACHED) {
            long last = reader.lastVolatile();
            if (last < position) {
                break;
            }
            long end = Math.min(last + 1, position + ProducerRing.SIZE);
            int before = into.size();
            for (long sequence = position; sequence < end; sequence++) {
                ModelMetricEvent event = reader.eventAt(sequence);
                if (filter.accepts(event)) {
                    into.add(event);
                }
            }
            if (reader.claim(position, end)) {
                taken += into.size() - before;
            } else {
                into.subList(before, into.size()).clear();
            }
        }
        return taken;
    }

    @Override
    void takeHandedOn(ModelMetricEvent event) {
        offerToQueue(event, null);
    }

    @Override
    void drain() {
        long timeout = policy.shutdownTimeout().toNanos();
        closeDeadline = System.nanoTime() + timeout;
        closing = true;
        // From here to the end producers fence and look at `terminated` after each publish, so
        // an event published while the lane ends is either taken by its last look or by the
        // producer itself (takeLate).
        setAttention(true);
        LockSupport.unpark(thread);
        long deadline = System.nanoTime() + timeout + TimeUnit.SECONDS.toNanos(1);
        try {
            // The lane thread counts what it cannot deliver by the deadline, so this wait is bounded
            // unless the observer does not return from one onEvent call. Wait for `finished`, not
            // for one thread: a thread handing over ends early, and its successor may not have
            // started yet (joining an unstarted thread returns at once).
            long left;
            while (!finished && (left = deadline - System.nanoTime()) > 0) {
                Thread delivering = thread;
                if (delivering.isAlive()) {
                    delivering.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } else {
                    LockSupport.parkNanos(BLOCK_PARK_NANOS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!finished) {
            LOG.error("observer '{}' has not returned from onEvent within its shutdown timeout of {} ms; "
                    + "{} events are still queued behind it", name, policy.shutdownTimeout().toMillis(), queue.size());
        }
    }

    @Override
    public ObserverStats stats() {
        // The lane publishes the batch (and what it took late: dropped or handed on) before the
        // count taken from rings, and its delivered, failed and shutdown counts before the batch.
        // Read in the reverse order (what was handed on is subtracted, so read first), a snapshot
        // taken while the lane works may count an event twice but does not miss one, except
        // events being polled from the queue into a batch. At rest they all add up.
        long handedOn = handedOn();
        long fromRings = takenFromRings.get();
        long consumed = indices.currentConsumerIndex();
        long produced = indices.currentProducerIndex();
        long queueFull = droppedQueueFull();
        long blockTimeout = droppedBlockTimeout.sum();
        int held = batch.held();
        return new ObserverStats(name, DispatchMode.ASYNC, produced + queueFull + blockTimeout + fromRings - handedOn,
                delivered.get(), failed.get(),
                Map.of(DropReason.QUEUE_FULL, queueFull, DropReason.EVICTED, droppedEvicted.sum(),
                        DropReason.BLOCK_TIMEOUT, blockTimeout, DropReason.SHUTDOWN, droppedShutdown.get(),
                        DropReason.CLOSED, droppedClosed.sum()),
                Math.max(0, produced - consumed) + held, failures.paused(), processingTime.snapshot());
    }
}
