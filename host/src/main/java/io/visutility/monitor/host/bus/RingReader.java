package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import java.util.Arrays;
import java.util.List;

/**
 * One lane's position in one {@link ProducerRing}: the next sequence it reads, or
 * {@link #DETACHED} while the lane takes that ring's events through its queue. It owns both halves
 * of detach and reattach: the producer's ({@link #roomFor}, {@link #reattachIfAsked}) and the
 * lane's ({@link #readablePosition}).
 *
 * <p>Thread-safety: the position changes only by compare-and-set (the lane claiming a batch, the
 * producer detaching, the sweep of an ended lane) or, while detached, by the producer's reattaching
 * store. {@code end} is set once, by the producer, before it publishes the event at that sequence.
 * {@code comeBack} is set by the lane and cleared by the producer; {@code waited} and
 * {@code queueFull} belong to the producer; {@code asked} and {@code queueMark} to the lane thread.
 */
final class RingReader {

    /** The position of a reader whose lane takes this ring's events through its queue. */
    static final long DETACHED = Long.MIN_VALUE;
    /** What {@link #roomFor} returns when the source's deadline passed before the lane made room. */
    static final long NO_ROOM = Long.MIN_VALUE + 1;

    /**
     * The ring itself: for seeing that its thread has ended and letting it go, and for counting the
     * lane's attention in it; never read on the lane's hot path.
     */
    private final ProducerRing ring;
    private final AsyncLane lane;
    // The ring's slots and cursor, held here so that lanes never read the ring object, whose
    // fields its producer writes on every publish.
    private final ProducerRing.Slot[] slots;
    private final int mask;
    private final Sequence cursor;
    /** How far the lane may trail the producer before it is detached. */
    private final int limit;
    /** The lane's attention flag, read after each publish while the ring's count is not zero. */
    private final Sequence laneAttention;
    private final Sequence position;
    /**
     * The first sequence that is not for this lane: {@code Long.MAX_VALUE} until the lane leaves
     * the registry, then the producer's next sequence when it saw that.
     */
    private volatile long end = Long.MAX_VALUE;
    /** Set by the lane (its queue is empty), cleared by the producer once it has reattached it. */
    private volatile boolean comeBack;
    /**
     * The lane's {@code queue_full} drops that this ring's producer counted: its own counter, so that
     * a lane kept full costs the producer no atomic instruction per event. The lane adds it to its
     * stats, and folds it into its own count when it lets the reader go.
     */
    private final SingleWriterCounter queueFull = new SingleWriterCounter();
    /** Producer-owned: detached after waiting out a block timeout in this publish. */
    private boolean waited;
    /** Lane-owned: it asked to come back and has not seen the producer reattach it yet. */
    private boolean asked;
    /**
     * Lane-owned (set first by the producer, before the lane can see the reader): the queue's
     * producer index when the lane saw a reattach, or when the reader was made; the lane reads this
     * ring once its queue got past it. -1: no mark. See "reattach order" in package-info.
     */
    private long queueMark;

    RingReader(ProducerRing ring, ProducerRing.Slot[] slots, Sequence cursor, AsyncLane lane, long start) {
        this.ring = ring;
        this.slots = slots;
        this.mask = slots.length - 1;
        this.cursor = cursor;
        this.lane = lane;
        this.limit = Math.min(slots.length, lane.policy.capacity());
        this.laneAttention = lane.attentionFlag();
        // Events the lane this one replaced handed on from this producer, if any, are in the queue: first those.
        this.queueMark = lane.queue().markForNewReader();
        this.position = new Sequence(start);
    }

    ProducerRing ring() {
        return ring;
    }

    AsyncLane lane() {
        return lane;
    }

    /** How far the lane may trail the producer before it is detached. */
    int limit() {
        return limit;
    }

    /** The first sequence that is not for this lane ({@code Long.MAX_VALUE} while it is registered). */
    long end() {
        return end;
    }

    /** Marks where the lane's events end: the producer's next sequence when it saw the lane leave. By the producer, once. */
    void endAt(long sequence) {
        end = sequence;
    }

    /** Counts one of this producer's events dropped as {@code queue_full}; by the producer only. */
    void countQueueFull(long dropped) {
        queueFull.add(dropped);
    }

    /** The {@code queue_full} drops this ring's producer counted. */
    long queueFullDrops() {
        return queueFull.get();
    }

    /** Whether the producer waited out a block timeout for this reader in this publish, and forgets it; by the producer. */
    boolean takeWaited() {
        boolean was = waited;
        waited = false;
        return was;
    }

    long position() {
        return position.get();
    }

    /** The last sequence published for this lane, -1 if none. */
    long last() {
        // The cursor first: the producer sets `end` before it publishes past it.
        return Math.min(cursor.get(), end - 1);
    }

    /** The same, read with a volatile read: for a lane's last look before it parks or ends ("publish vs sleep"). */
    long lastVolatile() {
        return Math.min(cursor.getVolatile(), end - 1);
    }

    /** Whether this reader's lane has read everything published for it, or no longer reads this ring. */
    boolean readAll() {
        long at = position();
        return at == DETACHED || lastVolatile() < at;
    }

    /** Events published and not yet read, whether or not the lane's filter takes them. */
    long unread() {
        long at = position();
        return at == DETACHED ? 0 : Math.max(0, last() + 1 - at);
    }

    /** Whether the lane's attention flag is raised: read by the producer after a publish. */
    boolean laneWantsAttention() {
        return laneAttention.get() != 0;
    }

    /**
     * Copies the events at {@code from} and up to {@code to} (exclusive) that {@code filter} accepts
     * into {@code into} from index {@code at}; returns the index after the last one copied. Valid
     * while this reader's position is at or before {@code from}.
     */
    int copy(long from, long to, EventFilter filter, ModelMetricEvent[] into, int at) {
        for (long sequence = from; sequence < to; sequence++) {
            ModelMetricEvent event = slots[(int) sequence & mask].event;
            if (filter.accepts(event)) {
                into[at++] = event;
            }
        }
        return at;
    }

    /** Claims {@code [expected, next)} for the lane ("detach vs batch claim"): false if the producer or a sweep moved first. */
    boolean claim(long expected, long next) {
        return position.compareAndSet(expected, next);
    }

    // The lane's half of detach and reattach.

    /**
     * The lane thread's look before it reads this ring: the position to read from, or
     * {@link #DETACHED} while the producer still sends this ring's events through the queue. A
     * detached reader whose queue is empty asks to come back; once the producer has reattached it,
     * the lane reads the ring only after the queue is past what the producer put there before
     * ("reattach order").
     */
    long readablePosition(LaneQueue queue, SingleWriterCounter reattached) {
        // comeBack before the position: the producer reattaches by storing the position, then
        // clearing comeBack, so a cleared comeBack means the position read next is the reattached
        // one, or a later detach.
        boolean answered = asked && !comeBack;
        long at = position();
        if (at == DETACHED) {
            if (answered) {
                asked = false; // reattached and detached again before this lane looked: all of it went to the queue
            }
            if (!asked && queue.isEmpty()) {
                asked = true;
                comeBack = true;
            }
            return DETACHED;
        }
        if (asked) {
            // Reattached: this ring's earlier events are in the queue, up to its producer index now.
            asked = false;
            queueMark = queue.producerIndex();
            reattached.increment();
        }
        if (queueMark >= 0) {
            if (queue.consumerIndex() < queueMark) {
                return DETACHED;
            }
            queueMark = -1;
        }
        return at;
    }

    /**
     * Once the lane has ended (under its late lock): claims what this ring holds for it into
     * {@code into}, as a batch claim does; returns how many the filter accepted.
     */
    long sweep(EventFilter filter, List<ModelMetricEvent> into) {
        long taken = 0;
        long at;
        while ((at = position()) != DETACHED) {
            long last = lastVolatile();
            if (last < at) {
                break;
            }
            long to = Math.min(last + 1, at + slots.length);
            int before = into.size();
            for (long sequence = at; sequence < to; sequence++) {
                ModelMetricEvent event = slots[(int) sequence & mask].event;
                if (filter.accepts(event)) {
                    into.add(event);
                }
            }
            if (claim(at, to)) {
                taken += into.size() - before;
            } else {
                into.subList(before, into.size()).clear();
            }
        }
        return taken;
    }

    // The producer's half.

    /** Reattaches at {@code sequence} if the lane asked to come back; by the producer only. */
    boolean reattachIfAsked(long sequence) {
        if (!comeBack) {
            return false;
        }
        // Everything before `sequence` went to the lane's queue, before these stores; the position
        // first, then comeBack (the lane reads them in the other order: "reattach order").
        position.set(sequence);
        comeBack = false;
        return true;
    }

    /**
     * Makes room in a lane that trails the producer by {@code room} events (its limit; a whole ring
     * for a leaving one) at {@code sequence}: under {@code block} waits for it (until the source's
     * {@code deadline}, or the lane's own block timeout, after which it is detached), else detaches
     * it. Returns its position, {@link #DETACHED} if it had to go, or {@link #NO_ROOM} if the
     * deadline passed first (the producer then does not publish the event at {@code sequence}).
     */
    long roomFor(long sequence, int room, ModelMetricEvent[] scratch, long deadline) {
        LaneQueue queue = lane.queue();
        if (queue.blocks() && !lane.ended()) {
            // A closing lane past its shutdown timeout reads nothing more that it will deliver: stop waiting for it.
            Placement waitedOut = queue.blockUntil(
                    () -> sequence - position() < room || lane.ended() || lane.overdue(), deadline);
            long at = position();
            if (sequence - at < room && !lane.ended()) {
                return at;
            }
            if (waitedOut == Placement.REFUSED && !lane.ended()) {
                return NO_ROOM;
            }
            waited = !lane.ended(); // read only if it stays detached (not if it is leaving)
        }
        if (lane.ended()) {
            // It reads nothing more: what it did not read goes to its successor, or is counted as dropped.
            waited = false;
            lane.takeLate();
            return position();
        }
        long at;
        while ((at = position()) != DETACHED) {
            if (sequence - at < room && !lane.ended()) {
                waited = false;
                return at; // the lane made room after all
            }
            if (detach(sequence, scratch)) {
                break;
            }
        }
        return DETACHED;
    }

    /**
     * Claims the position and moves the events the lane has not read, below {@code sequence} and
     * {@link #end}, into its queue ("detach vs batch claim"). Returns false if the lane moved
     * first (the caller looks again).
     */
    private boolean detach(long sequence, ModelMetricEvent[] scratch) {
        LaneQueue queue = lane.queue();
        queue.evacuationStarts(); // before the claim: a closing lane waits for what this moves
        try {
            long at = position();
            if (at == DETACHED || !claim(at, DETACHED)) {
                return false;
            }
            evacuate(at, Math.min(sequence, end), scratch);
            return true;
        } finally {
            queue.evacuationEnds();
        }
    }

    /**
     * Hands the lane the events at {@code from} to {@code to} (exclusive, at most a ring) that its
     * filter accepts: the filter is asked once per event, before the queue claims room for them.
     */
    void evacuate(long from, long to, ModelMetricEvent[] scratch) {
        int accepted = copy(from, to, lane.filter, scratch, 0);
        lane.evacuate(this, scratch, accepted);
        Arrays.fill(scratch, 0, accepted, null);
    }
}
