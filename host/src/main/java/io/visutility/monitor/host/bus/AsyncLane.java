package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpmcArrayQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.QueueProgressIndicators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers to its observer from a thread of its own, through a bounded lock-free queue (JCTools'
 * multi-producer single-consumer array queue; multi-consumer for {@link OverflowPolicy#DROP_OLDEST},
 * where a producer removes the oldest event). A full queue applies the lane's
 * {@link OverflowPolicy}; the producer never waits on the observer, only, under
 * {@link OverflowPolicy#BLOCK}, on free space, for at most the block timeout.
 *
 * <p>The lane thread delivers in batches. When the queue is empty it spins briefly, yields, then
 * takes short timed naps (so that under steady traffic no producer pays for a wake-up call), and
 * after about {@value #NAPS} naps of {@code 50µs} without an event parks until a producer wakes
 * it: an idle lane uses no CPU. The wake-up cannot be lost: the thread announces {@code sleeping}
 * before its last look at the queue, and a producer reads {@code sleeping} after its offer, whose
 * compare-and-set of the producer index orders the two.
 *
 * <p>A resume (a hot reload's swap) hands the queue over to a new lane thread, so that thread locals
 * the old observer left on its thread (and, through them, its plugin's class loader) go with it.
 *
 * <p>Thread-safety: any number of producers may call {@link #offer}; only the lane thread
 * consumes (one at a time: the old thread starts its successor and ends), except after it has
 * terminated, when late producers drain under {@code exitLock}.
 * Counters the lane thread owns are {@link SingleWriterCounter}s; producers' are {@link LongAdder}s.
 */
final class AsyncLane extends Lane implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    private static final int BATCH = 256;
    private static final int SPINS = 100;
    private static final int YIELDS = 100;
    /** Timed naps while traffic may resume soon: no producer has to wake the lane. */
    private static final int NAPS = 200;
    private static final long NAP_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final int BLOCK_YIELDS = 100;
    private static final long BLOCK_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    private final MessagePassingQueue<ModelMetricEvent> queue;
    private final QueueProgressIndicators indices;
    /** The thread delivering now; a resume hands over to a new one (see {@link #resumeWith}). */
    private volatile Thread thread;
    private final Object exitLock = new Object();

    private final SingleWriterCounter delivered = new SingleWriterCounter();
    private final SingleWriterCounter failed = new SingleWriterCounter();
    private final SingleWriterCounter droppedShutdown = new SingleWriterCounter();
    private final ProcessingTimeHistogram processingTime = new ProcessingTimeHistogram();
    private final LongAdder droppedQueueFull = new LongAdder();
    private final LongAdder droppedEvicted = new LongAdder();
    private final LongAdder droppedBlockTimeout = new LongAdder();
    private final LongAdder droppedClosed = new LongAdder();

    private volatile boolean sleeping;
    private volatile boolean holdRequested;
    /** Set by a resume: the next observer gets a new lane thread, free of the old one's thread locals. */
    private volatile boolean renewThread;
    private volatile boolean held;
    private volatile boolean closing;
    private volatile boolean terminated;
    private volatile long closeDeadline;

    AsyncLane(EventBus bus, String name, EventFilter filter, Observer observer, DispatchPolicy policy) {
        super(bus, name, filter, observer, policy);
        if (policy.whenFull() == OverflowPolicy.DROP_OLDEST) {
            MpmcArrayQueue<ModelMetricEvent> mpmc = new MpmcArrayQueue<>(policy.capacity());
            this.queue = mpmc;
            this.indices = mpmc;
        } else {
            MpscArrayQueue<ModelMetricEvent> mpsc = new MpscArrayQueue<>(policy.capacity());
            this.queue = mpsc;
            this.indices = mpsc;
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

    @Override
    void offer(ModelMetricEvent event, ProducerCounts.Cells cells) {
        if (!filter.accepts(event)) {
            return;
        }
        if (!queue.offer(event) && !offerWhenFull(event)) {
            return;
        }
        if (sleeping) {
            LockSupport.unpark(thread);
        }
        if (terminated) {
            dropLate();
        }
    }

    /** Applies the overflow policy; returns whether the event is now queued. */
    private boolean offerWhenFull(ModelMetricEvent event) {
        switch (policy.whenFull()) {
            case DROP_NEWEST -> {
                droppedQueueFull.increment();
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
                long deadline = System.nanoTime() + policy.blockTimeout().toNanos();
                int attempts = 0;
                do {
                    if (sleeping) {
                        LockSupport.unpark(thread);
                    }
                    // Yield first: on a busy machine that is what lets the lane thread make room.
                    if (attempts++ < BLOCK_YIELDS) {
                        Thread.yield();
                    } else {
                        LockSupport.parkNanos(BLOCK_PARK_NANOS);
                    }
                    if (queue.offer(event)) {
                        return true;
                    }
                } while (System.nanoTime() - deadline < 0);
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
                terminated = true;
                // Producers that offered before seeing `terminated` rely on this last look.
                dropLate();
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
            } else if (closing && queue.isEmpty()) {
                return false;
            } else {
                idle = idle(idle);
            }
        }
    }

    private int deliverBatch() {
        int taken = 0;
        long before = 0;
        ModelMetricEvent event;
        while (taken < BATCH && !(holdRequested && !closing) && (event = queue.relaxedPoll()) != null) {
            if (taken++ == 0) {
                before = System.nanoTime();
            }
            if (closing && System.nanoTime() - closeDeadline > 0) {
                droppedShutdown.increment();
                continue;
            }
            long outcome = call(event);
            // One clock read per call: each call is timed from the end of the one before.
            long after = System.nanoTime();
            processingTime.record(after - before);
            before = after;
            if (outcome == DELIVERED) {
                delivered.increment();
            } else {
                failed.increment();
                if (outcome > 0) {
                    pause(outcome);
                    before = System.nanoTime();
                }
            }
        }
        return taken;
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
        int buffered = queue.size();
        renewThread = true;
        holdRequested = false;
        LockSupport.unpark(thread);
        return buffered;
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
            LockSupport.parkNanos(this, NAP_NANOS);
        } else {
            sleeping = true;
            if (queue.isEmpty() && !closing) {
                LockSupport.park(this);
            }
            sleeping = false;
            return 0;
        }
        return idle + 1;
    }

    /** Drains what was offered after the lane thread finished: counted, never delivered. */
    private void dropLate() {
        synchronized (exitLock) {
            while (true) {
                if (queue.relaxedPoll() != null) {
                    droppedClosed.increment();
                } else if (queue.isEmpty()) {
                    return;
                }
            }
        }
    }

    @Override
    void drain() {
        long timeout = policy.shutdownTimeout().toNanos();
        closeDeadline = System.nanoTime() + timeout;
        closing = true;
        LockSupport.unpark(thread);
        long deadline = System.nanoTime() + timeout + TimeUnit.SECONDS.toNanos(1);
        try {
            // The lane thread counts what it cannot deliver by the deadline, so this wait is bounded
            // unless the observer does not return from one onEvent call. Wait for `terminated`, not
            // for one thread: a thread handing over ends early, and its successor may not have
            // started yet (joining an unstarted thread returns at once).
            long left;
            while (!terminated && (left = deadline - System.nanoTime()) > 0) {
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
        if (!terminated) {
            LOG.error("observer '{}' has not returned from onEvent within its shutdown timeout of {} ms; "
                    + "{} events are still queued behind it", name, policy.shutdownTimeout().toMillis(), queue.size());
        }
    }

    @Override
    public ObserverStats stats() {
        long consumed = indices.currentConsumerIndex();
        long produced = indices.currentProducerIndex();
        long queueFull = droppedQueueFull.sum();
        long blockTimeout = droppedBlockTimeout.sum();
        return new ObserverStats(name, DispatchMode.ASYNC, produced + queueFull + blockTimeout,
                delivered.get(), failed.get(),
                Map.of(DropReason.QUEUE_FULL, queueFull, DropReason.EVICTED, droppedEvicted.sum(),
                        DropReason.BLOCK_TIMEOUT, blockTimeout, DropReason.SHUTDOWN, droppedShutdown.get(),
                        DropReason.CLOSED, droppedClosed.sum()),
                Math.max(0, produced - consumed), failures.paused(), processingTime.snapshot());
    }
}
