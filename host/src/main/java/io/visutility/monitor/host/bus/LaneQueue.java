package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpmcArrayQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.QueueProgressIndicators;

/**
 * An async lane's own bounded lock-free queue and its {@link OverflowPolicy}: JCTools'
 * multi-producer single-consumer array queue, which takes a ring's unread events when the lane
 * falls behind it and that ring's later events until the lane has caught up; or, for
 * {@link OverflowPolicy#DROP_OLDEST}, a multi-consumer queue that takes every event (a producer
 * removes the oldest), and no ring feeds the lane.
 *
 * <p>Thread-safety: any number of producers offer; the lane thread polls (and, once the lane has
 * ended, producers under the lane's late lock). Drop counts are {@link LongAdder}s, except
 * {@code queue_full}, which the producer's {@link RingReader} or {@link LaneReaders} keeps.
 */
final class LaneQueue {

    private static final int BLOCK_YIELDS = 100;
    private static final long BLOCK_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    private final MessagePassingQueue<ModelMetricEvent> queue;
    private final QueueProgressIndicators indices;
    private final DispatchPolicy policy;
    private final AsyncLane lane;
    /** Whether producers' rings feed the lane (every policy but drop_oldest). */
    private final boolean ringFed;
    /** Producers moving a ring's unread events into the queue right now ("detach vs batch claim"). */
    private final AtomicInteger evacuations = new AtomicInteger();
    private final LongAdder evicted = new LongAdder();
    private final LongAdder blockTimeout = new LongAdder();
    /** The lane's own block timeout; {@link Long#MAX_VALUE} when it has none (it never drops). */
    private final long laneTimeoutNanos;

    LaneQueue(AsyncLane lane, DispatchPolicy policy) {
        this.lane = lane;
        this.policy = policy;
        this.laneTimeoutNanos = policy.blockTimeout().map(Duration::toNanos).orElse(Long.MAX_VALUE);
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
    }

    /** Whether producers' rings feed the lane: every policy but drop_oldest. */
    boolean ringFed() {
        return ringFed;
    }

    boolean blocks() {
        return policy.whenFull() == OverflowPolicy.BLOCK;
    }

    /**
     * Offers an event the lane's filter accepted, applying the overflow policy.
     *
     * @param from     the reader of the ring whose producer offers (it counts that producer's
     *                 {@code queue_full} drops), or null for a lane no ring feeds and for an event the
     *                 lane this one replaced hands on
     * @param deadline the source's {@link Deadline} for a wait under {@code block}
     * @return {@link Placement#TAKEN} if it is queued now
     */
    Placement offer(ModelMetricEvent event, RingReader from, long deadline) {
        if (queue.offer(event)) {
            return Placement.TAKEN;
        }
        switch (policy.whenFull()) {
            case DROP_NEWEST -> {
                if (from != null) {
                    from.countQueueFull(1);
                } else {
                    lane.readers().countQueueFull(); // an event a replaced lane handed on
                }
                return Placement.DROPPED;
            }
            case DROP_OLDEST -> {
                do {
                    if (queue.relaxedPoll() != null) {
                        evicted.increment();
                    }
                } while (!queue.offer(event));
                return Placement.TAKEN;
            }
            default -> {
                Placement waited = blockUntil(() -> queue.offer(event), deadline);
                if (waited == Placement.DROPPED) {
                    blockTimeout.increment();
                }
                return waited;
            }
        }
    }

    /**
     * Takes {@code events[0..count)}, which a producer moved out of its ring because the lane had
     * not read them: into the queue while it has room, claimed a batch at a time; the rest are
     * dropped as the policy counts them (a blocking producer waited for the ring already). Returns
     * whether any was queued.
     */
    boolean evacuate(RingReader reader, ModelMetricEvent[] events, int count) {
        Replay replay = new Replay(events);
        int moved = 0;
        int claimed;
        while (moved < count && (claimed = queue.fill(replay, count - moved)) > 0) {
            moved += claimed; // fill asks the replay for exactly what it claimed
        }
        int dropped = count - moved;
        if (dropped > 0) {
            if (blocks()) {
                blockTimeout.add(dropped);
            } else {
                reader.countQueueFull(dropped);
            }
        }
        return moved > 0;
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

    /**
     * A producer's wait under {@link OverflowPolicy#BLOCK}: until {@code done} (asked again after
     * each pause), waking the lane while it sleeps. Returns {@link Placement#TAKEN} once
     * {@code done} came true; {@link Placement#DROPPED} when the lane's own block timeout ran out
     * first (the caller counts the drop); {@link Placement#REFUSED} when the source's
     * {@code deadline} passed first, or the thread is interrupted (its flag stays set).
     */
    Placement blockUntil(BooleanSupplier done, long deadline) {
        long started = System.nanoTime();
        int attempts = 0;
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (Deadline.passed(deadline, now) || Thread.currentThread().isInterrupted()) {
                return Placement.REFUSED;
            }
            if (now - started >= laneTimeoutNanos) {
                return Placement.DROPPED;
            }
            lane.wakeIfSleeping();
            // Yield first: on a busy machine that is what lets the lane thread make room.
            if (attempts++ < BLOCK_YIELDS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(BLOCK_PARK_NANOS);
            }
        }
        return Placement.TAKEN;
    }

    void evacuationStarts() {
        evacuations.incrementAndGet();
    }

    void evacuationEnds() {
        evacuations.decrementAndGet();
    }

    /**
     * Whether the queue holds nothing, and no producer is moving events into it. Evacuations are
     * read first: a producer counts itself before it claims a reader's position.
     */
    boolean emptyAndSettled() {
        return evacuations.get() == 0 && queue.isEmpty();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    /** Polls up to {@code max} events into {@code into}; by the lane thread. Returns how many. */
    int drainTo(ModelMetricEvent[] into, int max) {
        int taken = 0;
        ModelMetricEvent event;
        while (taken < max && (event = queue.relaxedPoll()) != null) {
            into[taken++] = event;
        }
        return taken;
    }

    /** Takes everything queued into {@code into}, waiting out offers in flight; once the lane has ended. */
    void sweep(List<ModelMetricEvent> into) {
        ModelMetricEvent event;
        while ((event = queue.relaxedPoll()) != null || !queue.isEmpty()) {
            if (event != null) {
                into.add(event);
            }
        }
    }

    long producerIndex() {
        return indices.currentProducerIndex();
    }

    long consumerIndex() {
        return indices.currentConsumerIndex();
    }

    /**
     * Where a new reader's lane starts reading its ring: once its queue is past what it holds now,
     * -1 if the queue is empty. What it holds may include events the lane this one replaced
     * handed on from that reader's producer, which must come first ("reattach order").
     */
    long markForNewReader() {
        long produced = indices.currentProducerIndex();
        return produced > indices.currentConsumerIndex() ? produced : -1;
    }

    long evicted() {
        return evicted.sum();
    }

    /** Counts an event dropped as {@code block_timeout} by the lane. */
    void countBlockTimeout() {
        blockTimeout.increment();
    }

    long blockTimeouts() {
        return blockTimeout.sum();
    }
}
