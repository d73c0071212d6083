package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One producer thread's events for the bus's ring-fed async lanes: a single-writer multicast ring
 * that the producer writes each event into once and every lane reads at its own position (a
 * {@link Reader}), as the LMAX Disruptor's single-producer ring.
 *
 * <p>Unlike the Disruptor's producer, this one is never held back by a lane for longer than the
 * lane's own overflow policy allows. A lane that falls {@link Reader#limit} events behind is
 * <em>detached</em>: the producer claims the lane's position with a compare-and-set, so that each
 * unread event goes either to the lane's batch or to the producer, never both, and moves the
 * lane's unread events into the lane's own bounded queue ({@link AsyncLane#evacuate}).
 * While detached, the lane receives this producer's events through that queue and its policy
 * ({@link AsyncLane#offerToQueue}). When the queue is empty the lane asks to come back, and the
 * producer reattaches it at its next event, so that no event reaches the lane both ways.
 *
 * <p>A lane that leaves the bus (closed, or replaced by a hot reload) still reads what this ring
 * published for it before the producer saw it go: the producer marks where its events end
 * ({@link Reader#end}) and keeps the slots before that mark until the lane has read them. So a
 * lane's drain delivers them, even when its queue is full of another producer's events; only if
 * the producer is about to reuse their slots does it move them to the lane's queue.
 *
 * <p>Thread-safety: {@link #publish} is called by the owning thread only; a {@link Reader}'s
 * position is claimed with compare-and-sets by its lane's thread, by the producer (detaching) and,
 * once the lane has ended, by its last look and by producers taking what came late (under the
 * lane's {@code lateLock}; see {@link AsyncLane#takeLate}).
 *
 * <p>Memory: each ring keeps 8192 slot holders and the last 8192 events published through it
 * (slots are not cleared after reading), for as long as its thread lives, and, once a lane has
 * fallen behind it, an 8192-reference array for moving events; a lane lets the rings of ended
 * threads go.
 */
final class ProducerRing implements PerThread.Owned {

    /** Slots per ring: events a lane may trail one producer by before it is detached. */
    static final int SIZE = 8192;
    private static final int MASK = SIZE - 1;
    /** Longs between two padded values: 128 bytes, so that no two share a cache line (or its neighbour). */
    static final int PAD = 16;
    static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** The position of a reader whose lane takes this ring's events through its queue. */
    static final long DETACHED = Long.MIN_VALUE;

    final Thread owner;
    private final Slot[] slots = new Slot[SIZE];
    /** The last published sequence, at {@code PAD}. */
    private final long[] cursor = new long[3 * PAD];
    /**
     * How many lanes reading this ring have their {@link AsyncLane#attention} raised, at
     * {@code PAD}: the one value the producer reads after each publish while none is.
     */
    private final long[] attention = new long[3 * PAD];

    // Owned by the producer thread.
    private long next;
    /** The ring-fed lanes of the registry generation last published to (each generation has its own array). */
    private AsyncLane[] seen;
    private Reader[] attached = new Reader[0];
    private Reader[] detached = new Reader[0];
    /** Readers of lanes that left the registry and have not yet read up to their {@link Reader#end}. */
    private Reader[] leaving = new Reader[0];
    /** The first sequence at which an attached reader may be full: below it, no position is read. */
    private long gate = Long.MAX_VALUE;
    /** The events a detach is moving to a lane's queue, filtered (see {@link #evacuate}). */
    private ModelMetricEvent[] moving;

    ProducerRing(Thread owner) {
        this.owner = owner;
        for (int i = 0; i < SIZE; i++) {
            slots[i] = new Slot();
        }
        LONGS.setRelease(cursor, PAD, -1L);
    }

    @Override
    public Thread owner() {
        return owner;
    }

    /** A preallocated place for one event: four to a cache line, where an array of references has sixteen. */
    private static final class Slot {
        ModelMetricEvent event;
    }

    /**
     * Hands {@code event} to {@code lanes}, the ring-fed lanes of one registry generation. Called by
     * the owning thread only.
     */
    void publish(ModelMetricEvent event, AsyncLane[] lanes) {
        if (lanes != seen) {
            follow(lanes);
        }
        long sequence = next;
        if (detached.length > 0) {
            reattachThoseWhoAsked(sequence);
        }
        if (leaving.length > 0) {
            attendLeaving(sequence);
        }
        if (sequence >= gate) {
            gate = makeRoom(sequence);
        }
        slots[(int) sequence & MASK].event = event;
        LONGS.setRelease(cursor, PAD, sequence);
        next = sequence + 1;
        for (Reader reader : detached) {
            if (reader.waited) {
                reader.waited = false;
                evacuate(reader, sequence, sequence + 1); // the producer waited its block timeout for this one already
            } else {
                reader.lane.offerToQueue(event, reader);
            }
        }
        if ((long) LONGS.getAcquire(attention, PAD) != 0) {
            for (Reader reader : attached) {
                if ((long) LONGS.getAcquire(reader.laneAttention, PAD) != 0) {
                    attend(reader);
                }
            }
        }
    }

    /** Counts a lane reading this ring that raised (+1) or lowered (-1) its attention; by lanes, under their exitLock. */
    void addAttention(int delta) {
        LONGS.getAndAdd(attention, PAD, (long) delta);
    }

    /** A lane that may be parking or has ended: wakes it, or takes what it missed ({@link AsyncLane#takeLate}). */
    private void attend(Reader reader) {
        // The lane announces `sleeping` and `terminated` before its last look at the cursor; with
        // this fence, either it sees the event just published or this sees its announcement.
        VarHandle.fullFence();
        AsyncLane lane = reader.lane;
        if (lane.sleeping) {
            lane.wake();
        }
        if (lane.terminated) {
            lane.takeLate();
        }
    }

    /** Brings the readers in line with a new registry generation: new lanes attach, removed ones leave. */
    private void follow(AsyncLane[] lanes) {
        Map<AsyncLane, Reader> gone = new IdentityHashMap<>();
        for (Reader reader : attached) {
            gone.put(reader.lane, reader);
        }
        for (Reader reader : detached) {
            gone.put(reader.lane, reader);
        }
        Map<AsyncLane, Reader> current = new IdentityHashMap<>();
        for (AsyncLane lane : lanes) {
            Reader reader = gone.remove(lane);
            if (reader != null) {
                current.put(lane, reader);
            }
        }
        // The lanes that left first: what an ended one missed goes to the lane that replaced it
        // before this producer starts reading for that one (see Reader#queueMark).
        List<Reader> stillLeaving = new ArrayList<>(Arrays.asList(leaving));
        for (Reader reader : gone.values()) {
            leave(reader, stillLeaving);
        }
        leaving = stillLeaving.toArray(new Reader[0]);
        List<Reader> stayAttached = new ArrayList<>();
        List<Reader> stayDetached = new ArrayList<>();
        for (AsyncLane lane : lanes) {
            Reader reader = current.get(lane);
            if (reader == null) {
                reader = new Reader(this, lane, next);
                lane.addReader(reader);
                stayAttached.add(reader);
            } else if (reader.position() == DETACHED) {
                stayDetached.add(reader);
            } else {
                stayAttached.add(reader);
            }
        }
        attached = stayAttached.toArray(new Reader[0]);
        detached = stayDetached.toArray(new Reader[0]);
        seen = lanes;
        gate = next; // read every position at this publish
    }

    /**
     * A reader whose lane left the registry (it is closing): the lane reads what came before the
     * next event, from this ring or, if detached, from its queue, and its drain delivers it.
     */
    private void leave(Reader reader, List<Reader> stillLeaving) {
        reader.end = next;
        if (reader.position() != DETACHED) {
            // With the lane's fence between `terminated` and its last look: either that look saw
            // this ring's last events, or this sees that the lane has ended and takes them.
            VarHandle.fullFence();
            if (reader.lane.terminated) {
                reader.lane.takeLate();
            }
        }
        long position = reader.position();
        if (position == DETACHED || position >= reader.end) {
            reader.lane.removeReader(reader);
        } else {
            stillLeaving.add(reader);
        }
    }

    /**
     * At each publish while lanes are leaving: lets go of those that have read up to their end,
     * and makes room in one whose unread events are about to be overwritten.
     */
    private void attendLeaving(long sequence) {
        for (Reader reader : leaving) {
            long position = reader.position();
            // (A leaving reader is let go as soon as it is detached: its position is never DETACHED here.)
            if (position < reader.end && (sequence - position >= SIZE || reader.lane.terminated)) {
                position = roomFor(reader, sequence, SIZE);
            }
            if (position == DETACHED || position >= reader.end) {
                leaving = remove(leaving, reader);
                reader.lane.removeReader(reader);
            }
        }
    }

    private void reattachThoseWhoAsked(long sequence) {
        for (Reader reader : detached) {
            if (reader.comeBack) {
                // Everything before `sequence` went to the lane's queue, before these stores; the
                // position first, then comeBack (the lane reads them in the other order).
                reader.setPosition(sequence);
                reader.comeBack = false;
                attached = append(attached, reader);
                detached = remove(detached, reader);
                gate = Math.min(gate, sequence);
            }
        }
    }

    /**
     * Reads every attached reader's position; detaches (or, under {@code block}, waits for) those
     * that are full. Returns the new gate.
     */
    private long makeRoom(long sequence) {
        long newGate = Long.MAX_VALUE;
        for (Reader reader : attached) {
            long position = reader.position();
            if (sequence - position >= reader.limit || reader.lane.terminated) {
                position = roomFor(reader, sequence, reader.limit);
            }
            if (position == DETACHED) {
                detached(reader);
            } else {
                newGate = Math.min(newGate, position + reader.limit);
            }
        }
        return newGate;
    }

    private void detached(Reader reader) {
        attached = remove(attached, reader);
        detached = append(detached, reader);
    }

    /**
     * Makes room in a reader that trails by {@code room} events (its limit; a whole ring for a
     * leaving one); returns its position, or {@link #DETACHED} if it had to go (the caller moves it
     * out of its list).
     */
    private long roomFor(Reader reader, long sequence, int room) {
        AsyncLane lane = reader.lane;
        if (lane.policy.whenFull() == OverflowPolicy.BLOCK && !lane.terminated) {
            lane.blockUntil(() -> sequence - reader.position() < room || lane.terminated);
            long position = reader.position();
            if (sequence - position < room && !lane.terminated) {
                return position;
            }
            reader.waited = !lane.terminated; // read only if it stays detached (not if it is leaving)
        }
        if (lane.terminated) {
            // It has ended: it reads nothing more, and what it did not read goes to the lane that
            // replaced it, or is counted as dropped.
            reader.waited = false;
            lane.takeLate();
            return reader.position();
        }
        long position;
        while ((position = reader.position()) != DETACHED) {
            if (sequence - position < room && !lane.terminated) {
                reader.waited = false;
                return position; // the lane made room after all
            }
            if (detach(reader, sequence)) {
                break;
            }
        }
        return DETACHED;
    }

    /**
     * Claims the reader's position and moves the events it has not read, below {@code sequence}
     * and its {@link Reader#end}, into its lane's queue. Returns false if the lane moved first (the
     * caller looks again).
     */
    private boolean detach(Reader reader, long sequence) {
        AsyncLane lane = reader.lane;
        lane.evacuations.incrementAndGet(); // before the claim: a closing lane waits for what it moves
        try {
            long position = reader.position();
            if (position == DETACHED || !reader.claim(position, DETACHED)) {
                return false;
            }
            evacuate(reader, position, Math.min(sequence, reader.end));
            return true;
        } finally {
            lane.evacuations.decrementAndGet();
        }
    }

    /**
     * Hands the reader's lane the events at sequences {@code from} to {@code to} (exclusive, at most
     * {@link #SIZE}) that its filter accepts: the filter is asked once per event, before the lane's
     * queue claims any room for them.
     */
    private void evacuate(Reader reader, long from, long to) {
        if (moving == null) {
            moving = new ModelMetricEvent[SIZE]; // only producers whose lanes fall behind need it
        }
        EventFilter filter = reader.lane.filter;
        int accepted = 0;
        for (long sequence = from; sequence < to; sequence++) {
            ModelMetricEvent event = reader.eventAt(sequence);
            if (filter.accepts(event)) {
                moving[accepted++] = event;
            }
        }
        reader.lane.evacuate(reader, moving, accepted);
        Arrays.fill(moving, 0, accepted, null);
    }

    private static Reader[] append(Reader[] readers, Reader reader) {
        Reader[] grown = Arrays.copyOf(readers, readers.length + 1);
        grown[readers.length] = reader;
        return grown;
    }

    private static Reader[] remove(Reader[] readers, Reader reader) {
        return Arrays.stream(readers).filter(r -> r != reader).toArray(Reader[]::new);
    }

    /**
     * One lane's position in one ring: the next sequence it reads, or {@link #DETACHED}.
     *
     * <p>Thread-safety: the position changes only by compare-and-set (the lane claiming a batch, the
     * producer detaching, the sweep of an ended lane) or, while detached, by the producer's
     * reattaching store. {@code end} is set once, by the producer, before it publishes the event
     * at that sequence. {@code comeBack} is set by the lane and cleared by the producer;
     * {@code waited} and {@code queueFull} belong to the producer; {@code asked} and {@code queueMark}
     * to the lane thread.
     */
    static final class Reader {
        /**
         * The ring itself: for seeing that its thread has ended and letting it go, and for counting
         * the lane's attention in it; never read on the lane's hot path.
         */
        final ProducerRing ring;
        final AsyncLane lane;
        // The ring's slots and cursor, held here so that lanes never read the ring object, whose
        // fields its producer writes on every publish.
        private final Slot[] slots;
        private final long[] cursor;
        /** How far the lane may trail the producer before it is detached. */
        final int limit;
        /** The lane's {@link AsyncLane#attention} flag, read after each publish while the ring's count is not zero. */
        final long[] laneAttention;
        private final long[] position = new long[3 * PAD];
        /**
         * The first sequence that is not for this lane: {@code Long.MAX_VALUE} until the lane
         * leaves the registry, then the producer's next sequence when it saw that.
         */
        volatile long end = Long.MAX_VALUE;
        volatile boolean comeBack;
        /**
         * The lane's {@code queue_full} drops that this ring's producer counted: its own counter, so
         * that a lane kept full costs the producer no atomic instruction per event. The lane adds
         * it to its stats, and folds it into its own count when it lets the reader go.
         */
        final SingleWriterCounter queueFull = new SingleWriterCounter();
        /** Producer-owned: detached after waiting out a block timeout in this publish. */
        boolean waited;
        /** Lane-owned: it asked to come back and has not seen the producer reattach it yet. */
        boolean asked;
        /**
         * Lane-owned (set first by the producer, before the lane can see the reader): the queue's
         * producer index when the lane saw a reattach, or when the reader was made; the lane reads
         * this ring once its queue got past it. -1: no mark.
         */
        long queueMark;

        Reader(ProducerRing ring, AsyncLane lane, long start) {
            this.ring = ring;
            this.slots = ring.slots;
            this.cursor = ring.cursor;
            this.lane = lane;
            this.limit = Math.min(SIZE, lane.policy.capacity());
            this.laneAttention = lane.attention;
            // Events the lane this one replaced handed on from this producer, if any, are in the queue: first those.
            this.queueMark = lane.queueMarkForNewReader();
            LONGS.setRelease(position, PAD, start);
        }

        long position() {
            return (long) LONGS.getAcquire(position, PAD);
        }

        /** The last sequence published for this lane, -1 if none. */
        long last() {
            // The cursor first: the producer sets `end` before it publishes past it.
            return Math.min((long) LONGS.getAcquire(cursor, PAD), end - 1);
        }

        /** The same, read with a volatile read: for a lane's last look before it parks or ends (see {@link #attend}). */
        long lastVolatile() {
            return Math.min((long) LONGS.getVolatile(cursor, PAD), end - 1);
        }

        /** The event at {@code sequence}; valid while this reader's position is at or before it. */
        ModelMetricEvent eventAt(long sequence) {
            return slots[(int) sequence & MASK].event;
        }

        boolean claim(long expected, long next) {
            return LONGS.compareAndSet(position, PAD, expected, next);
        }

        void setPosition(long next) {
            LONGS.setRelease(position, PAD, next);
        }
    }
}
