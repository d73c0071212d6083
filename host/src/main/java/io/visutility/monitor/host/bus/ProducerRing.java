package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One producer thread's events for the bus's ring-fed async lanes: a single-writer multicast ring
 * that the producer writes each event into once and every lane reads at its own position (a
 * {@link RingReader}), as the LMAX Disruptor's single-producer ring.
 *
 * <p>Unlike the Disruptor's producer, this one is never held back by a lane for longer than the
 * lane's overflow policy and the source's {@link Deadline} allow: a {@code block} lane that is
 * full holds it back until then, and the event is not published if the deadline passes first. A
 * lane with a dropping policy (or a block timeout of its own, once that has passed) that falls
 * {@link RingReader#limit} events behind is
 * <em>detached</em> ({@link RingReader#roomFor}): its unread events move into the lane's own
 * bounded queue, and while detached the lane receives this producer's events through that queue
 * and its policy. When the queue is empty the lane asks to come back, and the producer reattaches
 * it at its next event, so that no event reaches the lane both ways.
 *
 * <p>A lane that leaves the bus (closed, or replaced by a hot reload) still reads what this ring
 * published for it before the producer saw it go: the producer marks where its events end
 * ({@link RingReader#end}) and keeps the slots before that mark until the lane has read them. So a
 * lane's drain delivers them, even when its queue is full of another producer's events; only if
 * the producer is about to reuse their slots does it move them to the lane's queue.
 *
 * <p>Thread-safety: {@link #publish} is called by the owning thread only; the readers' positions
 * are shared with their lanes as {@link RingReader} states. The attention count is added to by
 * lanes, under their readers' lock.
 *
 * <p>Memory: each ring keeps 8192 slot holders and the last 8192 events published through it
 * (slots are not cleared after reading), for as long as its thread lives, and, once a lane has
 * fallen behind it, an 8192-reference array for moving events; a lane lets the rings of ended
 * threads go.
 */
final class ProducerRing implements PerThread.Owned {

    /** Slots per ring: events a lane may trail one producer by before it is detached. */
    static final int SIZE = 8192;

    final Thread owner;
    private final Slot[] slots;
    private final int mask;
    /** The last published sequence. */
    private final Sequence cursor = new Sequence(-1);
    /** How many lanes reading this ring have their attention raised: the one value the producer reads after each publish while none is. */
    private final Sequence attention = new Sequence(0);

    // Owned by the producer thread.
    private long next;
    /** The ring-fed lanes of the registry generation last published to (each generation has its own array). */
    private AsyncLane[] seen;
    private RingReader[] attached = new RingReader[0];
    private RingReader[] detached = new RingReader[0];
    /** Readers of lanes that left the registry and have not yet read up to their {@link RingReader#end}. */
    private RingReader[] leaving = new RingReader[0];
    /** The first sequence at which an attached reader may be full: below it, no position is read. */
    private long gate = Long.MAX_VALUE;
    /** The events a detach is moving to a lane's queue, filtered. */
    private ModelMetricEvent[] moving;

    ProducerRing(Thread owner) {
        this(owner, SIZE);
    }

    /** @param size a power of two: {@link #SIZE}, or fewer slots for a model checker's small world */
    ProducerRing(Thread owner, int size) {
        this.owner = owner;
        this.slots = new Slot[size];
        this.mask = size - 1;
        for (int i = 0; i < size; i++) {
            slots[i] = new Slot();
        }
    }

    /** Slots in this ring. */
    int size() {
        return slots.length;
    }

    @Override
    public Thread owner() {
        return owner;
    }

    /** A preallocated place for one event: four to a cache line, where an array of references has sixteen. */
    static final class Slot {
        ModelMetricEvent event;
    }

    /**
     * Hands {@code event} to {@code lanes}, the ring-fed lanes of one registry generation. Called by
     * the owning thread only.
     *
     * @param deadline the source's {@link Deadline} for waiting on a {@code block} lane
     * @return false if the deadline passed first: then either no lane has the event (the ring did
     *         not publish it), or a detached lane's queue stayed full and that lane does not
     */
    boolean publish(ModelMetricEvent event, AsyncLane[] lanes, long deadline) {
        if (lanes != seen) {
            follow(lanes);
        }
        long sequence = next;
        if (detached.length > 0) {
            reattachThoseWhoAsked(sequence);
        }
        if (leaving.length > 0 && !attendLeaving(sequence, deadline)) {
            return notPublished();
        }
        if (sequence >= gate) {
            long newGate = makeRoom(sequence, deadline);
            if (newGate == RingReader.NO_ROOM) {
                return notPublished(); // the gate stays: the next publish looks at every position again
            }
            gate = newGate;
        }
        slots[(int) sequence & mask].event = event;
        cursor.set(sequence);
        next = sequence + 1;
        boolean placed = true;
        for (RingReader reader : detached) {
            if (reader.takeWaited()) {
                // The producer waited its block timeout for this one already.
                reader.evacuate(sequence, sequence + 1, scratch());
            } else if (reader.lane().offerToQueue(event, reader, deadline) == Placement.REFUSED) {
                placed = false;
            }
        }
        if (attention.get() != 0) {
            for (RingReader reader : attached) {
                if (reader.laneWantsAttention()) {
                    // "publish vs sleep": the fence orders the cursor store before the lane's flags are read.
                    VarHandle.fullFence();
                    reader.lane().attend();
                }
            }
        }
        return placed;
    }

    /**
     * The event was not published: a lane detached after waiting out its own block timeout for it
     * must wait again for the next event, not drop that one at once.
     */
    private boolean notPublished() {
        for (RingReader reader : detached) {
            reader.takeWaited();
        }
        return false;
    }

    /** Counts a lane reading this ring that raised (+1) or lowered (-1) its attention; by lanes, under their readers' lock. */
    void addAttention(int delta) {
        attention.add(delta);
    }

    private ModelMetricEvent[] scratch() {
        if (moving == null) {
            moving = new ModelMetricEvent[slots.length]; // only producers whose lanes fall behind need it
        }
        return moving;
    }

    /** Brings the readers in line with a new registry generation: new lanes attach, removed ones leave. */
    private void follow(AsyncLane[] lanes) {
        Map<AsyncLane, RingReader> gone = new IdentityHashMap<>();
        for (RingReader reader : attached) {
            gone.put(reader.lane(), reader);
        }
        for (RingReader reader : detached) {
            gone.put(reader.lane(), reader);
        }
        Map<AsyncLane, RingReader> current = new IdentityHashMap<>();
        for (AsyncLane lane : lanes) {
            RingReader reader = gone.remove(lane);
            if (reader != null) {
                current.put(lane, reader);
            }
        }
        // The lanes that left first: what an ended one missed goes to the lane that replaced it
        // before this producer starts reading for that one ("reattach order").
        List<RingReader> stillLeaving = new ArrayList<>(Arrays.asList(leaving));
        for (RingReader reader : gone.values()) {
            leave(reader, stillLeaving);
        }
        leaving = stillLeaving.toArray(new RingReader[0]);
        List<RingReader> stayAttached = new ArrayList<>();
        List<RingReader> stayDetached = new ArrayList<>();
        for (AsyncLane lane : lanes) {
            RingReader reader = current.get(lane);
            if (reader == null) {
                reader = new RingReader(this, slots, cursor, lane, next);
                lane.readers().add(reader);
                stayAttached.add(reader);
            } else if (reader.position() == RingReader.DETACHED) {
                stayDetached.add(reader);
            } else {
                stayAttached.add(reader);
            }
        }
        attached = stayAttached.toArray(new RingReader[0]);
        detached = stayDetached.toArray(new RingReader[0]);
        seen = lanes;
        gate = next; // read every position at this publish
    }

    /**
     * A reader whose lane left the registry (it is closing): the lane reads what came before the
     * next event, from this ring or, if detached, from its queue, and its drain delivers it.
     */
    private void leave(RingReader reader, List<RingReader> stillLeaving) {
        reader.endAt(next);
        if (reader.position() != RingReader.DETACHED) {
            // "late hand-on": with the lane's fence between ending and its last look, either that
            // look saw this ring's last events, or this sees that the lane has ended and takes them.
            VarHandle.fullFence();
            if (reader.lane().ended()) {
                reader.lane().takeLate();
            }
        }
        long position = reader.position();
        if (position == RingReader.DETACHED || position >= reader.end()) {
            reader.lane().readers().remove(reader);
        } else {
            stillLeaving.add(reader);
        }
    }

    /**
     * At each publish while lanes are leaving: lets go of those that have read up to their end,
     * and makes room in one whose unread events are about to be overwritten. Returns false if the
     * source's deadline passed first.
     */
    private boolean attendLeaving(long sequence, long deadline) {
        for (RingReader reader : leaving) {
            long position = reader.position();
            // (A leaving reader is let go as soon as it is detached: its position is never DETACHED here.)
            if (position < reader.end() && (sequence - position >= slots.length || reader.lane().ended())) {
                position = reader.roomFor(sequence, slots.length, scratch(), deadline);
                if (position == RingReader.NO_ROOM) {
                    return false;
                }
            }
            if (position == RingReader.DETACHED || position >= reader.end()) {
                leaving = remove(leaving, reader);
                reader.lane().readers().remove(reader);
            }
        }
        return true;
    }

    private void reattachThoseWhoAsked(long sequence) {
        for (RingReader reader : detached) {
            if (reader.reattachIfAsked(sequence)) {
                attached = append(attached, reader);
                detached = remove(detached, reader);
                gate = Math.min(gate, sequence);
            }
        }
    }

    /**
     * Reads every attached reader's position; detaches (or, under {@code block}, waits for) those
     * that are full. Returns the new gate, or {@link RingReader#NO_ROOM} if the source's deadline
     * passed while a lane was full.
     */
    private long makeRoom(long sequence, long deadline) {
        long newGate = Long.MAX_VALUE;
        for (RingReader reader : attached) {
            long position = reader.position();
            if (sequence - position >= reader.limit() || reader.lane().ended()) {
                position = reader.roomFor(sequence, reader.limit(), scratch(), deadline);
                if (position == RingReader.NO_ROOM) {
                    return RingReader.NO_ROOM;
                }
            }
            if (position == RingReader.DETACHED) {
                attached = remove(attached, reader);
                detached = append(detached, reader);
            } else {
                newGate = Math.min(newGate, position + reader.limit());
            }
        }
        return newGate;
    }

    private static RingReader[] append(RingReader[] readers, RingReader reader) {
        RingReader[] grown = Arrays.copyOf(readers, readers.length + 1);
        grown[readers.length] = reader;
        return grown;
    }

    private static RingReader[] remove(RingReader[] readers, RingReader reader) {
        return Arrays.stream(readers).filter(r -> r != reader).toArray(RingReader[]::new);
    }
}
