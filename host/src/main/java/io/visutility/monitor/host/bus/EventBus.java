package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Fans each emitted event out to every registered observer, each through its own lane: in
 * {@link DispatchMode#SYNC} mode on the producer's thread, in {@link DispatchMode#ASYNC} mode
 * through bounded buffers drained by the lane's own thread (the producer's {@link ProducerRing},
 * and the lane's queue when it falls behind), so that a failing async observer never reaches
 * another observer or the producer, and a slow one reaches them only through its full buffers:
 * under {@link OverflowPolicy#BLOCK}, the default, a producer waits for room for as long as its
 * source lets it ({@link #emit} without limit, {@link #offer} up to its timeout), and nothing
 * accepted is dropped.
 *
 * <p>The registry is copy-on-write: {@link #emit} reads it once through a volatile field, and
 * takes no lock and allocates nothing per event (a producer's ring takes note of a new registry
 * generation at its first emit after the change, which allocates); {@link #register} and {@link Registration#close()}
 * replace it under a lock. An emit that overlaps a register or close sees the registry either
 * before or after the change, never a mix.
 *
 * <p>Thread-safe: any number of threads may emit, register and close at once. Each observer sees
 * one producer's events in that producer's emit order. Every event an observer's filter accepts
 * is delivered or counted as dropped for a stated {@link DropReason} (see {@link ObserverStats}).
 */
public final class EventBus {

    private final Object writeLock = new Object();
    private final ProducerCounts counts = new ProducerCounts();
    private int nextSlot; // guarded by writeLock
    private volatile Registry registry = Registry.of(new Lane[0], -1);
    private final PerThread<ProducerRing> rings = new PerThread<>(ProducerRing::new);
    private final Duration syncRecoveryDelay;

    public EventBus() {
        this(Duration.ofSeconds(1));
    }

    /** @param syncRecoveryDelay how long a failing sync lane stays on the slow path at first (tests shorten it) */
    EventBus(Duration syncRecoveryDelay) {
        this.syncRecoveryDelay = syncRecoveryDelay;
    }

    /**
     * One generation of the registry. {@code lanes} are all lanes, in registration order;
     * {@code ringLanes} the async lanes that producers' rings feed (see {@link ProducerRing}), and
     * {@code offered} the others, which emit hands each event to. {@code direct[i]} is
     * {@code offered[i]}'s observer when it is a quiet sync lane, so that emit calls it without
     * going through the lane object; null otherwise (async, or a sync lane that is failing or
     * closing). {@code generation} is the counting slot for emits that saw this generation (-1: no
     * sync lane).
     */
    private record Registry(Lane[] lanes, Lane[] offered, Observer[] direct, EventFilter[] filters,
                            AsyncLane[] ringLanes, int generation) {
        static Registry of(Lane[] lanes, int generation) {
            Lane[] offered = Arrays.stream(lanes).filter(l -> !(l instanceof AsyncLane a && a.ringFed()))
                    .toArray(Lane[]::new);
            return new Registry(lanes, offered,
                    Arrays.stream(offered).map(l -> l instanceof SyncLane s && s.quiet() ? l.observer : null)
                            .toArray(Observer[]::new),
                    Arrays.stream(offered).map(l -> l.filter).toArray(EventFilter[]::new),
                    Arrays.stream(lanes).filter(l -> l instanceof AsyncLane a && a.ringFed())
                            .toArray(AsyncLane[]::new),
                    generation);
        }
    }

    /** Registers {@code observer} for every event, with the default (async) dispatch policy. */
    public Registration register(String name, Observer observer) {
        return register(name, EventFilter.ALL, observer, DispatchPolicy.DEFAULT);
    }

    /**
     * Registers {@code observer} for the events {@code filter} accepts. Events emitted after this
     * returns reach it.
     *
     * @param name   a label for logs, thread names and {@link #stats()}; need not be unique
     * @param policy how events reach the observer
     */
    public Registration register(String name, EventFilter filter, Observer observer, DispatchPolicy policy) {
        Objects.requireNonNull(observer, "observer");
        synchronized (writeLock) {
            Lane lane = newLane(name, filter, observer, policy);
            Lane[] current = registry.lanes();
            Lane[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = lane;
            publish(next);
            return lane;
        }
    }

    /**
     * Hands {@code event} to every registered observer whose filter accepts it, waiting for room in
     * each lane with {@code when_full: block} (the default) for as long as it takes, as
     * {@link java.util.concurrent.BlockingQueue#put} does. A lane with a dropping policy, or a
     * block timeout of its own, drops the event instead of waiting longer (counted in its
     * {@link ObserverStats}). If the calling thread is interrupted while it waits, this returns
     * with its interrupt status set, and the event may not have reached the lanes that were full.
     */
    public void emit(ModelMetricEvent event) {
        place(event, Deadline.NONE);
    }

    /**
     * Hands {@code event} to every registered observer whose filter accepts it, as {@link #emit}
     * does, but waits at most {@code timeout} in all for room in lanes with {@code when_full: block}
     * (as {@link java.util.concurrent.BlockingQueue#offer(Object, long, TimeUnit)}).
     *
     * @return true if every lane that wants the event took it (or dropped it by its own policy);
     *         false if the timeout passed (or the thread was interrupted) first: then the event may
     *         have reached some observers and not others, and a source that sends it again
     *         delivers it at least once to each
     */
    public boolean offer(ModelMetricEvent event, long timeout, TimeUnit unit) {
        return place(event, Deadline.after(unit.toNanos(timeout)));
    }

    private boolean place(ModelMetricEvent event, long deadline) {
        Objects.requireNonNull(event, "event");
        Registry current = registry;
        if (current.generation() < 0) {
            return offerAll(event, current, null, deadline);
        }
        ProducerCounts.Cells cells = counts.cells();
        while (true) {
            // "announce vs hold": announce the emit with a full fence, then look again: a hold that
            // republished in between either sees this announcement or is seen here (and this emit starts over).
            cells.announce(current.generation());
            Registry now = registry;
            if (now == current) {
                break;
            }
            cells.withdraw(current.generation());
            current = now;
            if (current.generation() < 0) {
                return offerAll(event, current, null, deadline);
            }
        }
        try {
            return offerAll(event, current, cells, deadline);
        } finally {
            cells.increment(current.generation() + 1); // this emit no longer uses the generation
        }
    }

    private boolean offerAll(ModelMetricEvent event, Registry current, ProducerCounts.Cells cells, long deadline) {
        AsyncLane[] ringLanes = current.ringLanes();
        if (ringLanes.length > 0 && !rings.get().publish(event, ringLanes, deadline)) {
            notPlaced(current.offered(), cells);
            return false;
        }
        return offerAll(event, current.offered(), current.direct(), current.filters(), cells, deadline);
    }

    /**
     * An event the rings could not place in time: the other lanes do not get it either, so that a
     * source's resend duplicates less; each sync lane, whose emit count took it as received, takes
     * that back.
     */
    private static void notPlaced(Lane[] lanes, ProducerCounts.Cells cells) {
        for (Lane lane : lanes) {
            if (lane instanceof SyncLane sync) {
                sync.rejected(cells);
            }
        }
    }

    private static boolean offerAll(ModelMetricEvent event, Lane[] lanes, Observer[] direct, EventFilter[] filters,
                                    ProducerCounts.Cells cells, long deadline) {
        boolean placed = true;
        for (int i = 0; i < lanes.length; i++) {
            Observer observer = direct[i];
            if (observer == null) {
                if (lanes[i].offer(event, cells, deadline) == Placement.REFUSED) {
                    placed = false;
                }
            } else if (filters[i].accepts(event)) {
                // The sync fast path, inline so the call target is one load away from the array.
                try {
                    observer.onEvent(event);
                } catch (Throwable failure) {
                    Lane.rethrowIfFatal(failure);
                    // A plugin's exception, linkage error or stack overflow stays with that plugin.
                    ((SyncLane) lanes[i]).failedFast(failure);
                }
            } else {
                ((SyncLane) lanes[i]).rejected(cells);
            }
        }
        return placed;
    }

    /** The counters of every registered observer, in registration order. */
    public List<ObserverStats> stats() {
        Lane[] current = registry.lanes();
        List<ObserverStats> stats = new ArrayList<>(current.length);
        for (Lane lane : current) {
            stats.add(lane.stats());
        }
        return stats;
    }

    /**
     * The observer with the most events waiting for it now, or empty if none is registered: a
     * rough figure (events not yet read from producers' rings count before the observer's filter),
     * for progress reports.
     */
    public Optional<Backlog> slowest() {
        Backlog slowest = null;
        for (Lane lane : registry.lanes()) {
            long waiting = lane.waiting();
            if (slowest == null || waiting > slowest.waiting()) {
                slowest = new Backlog(lane.name(), waiting);
            }
        }
        return Optional.ofNullable(slowest);
    }

    /**
     * How far one observer trails the producers.
     *
     * @param observer its registration name
     * @param waiting  roughly how many events wait for it
     */
    public record Backlog(String observer, long waiting) {
    }

    /** How many counting slots registry generations have used so far (for tests). */
    int slotsUsed() {
        synchronized (writeLock) {
            return nextSlot;
        }
    }

    /** How many producer threads' counting cells are kept now (for tests). */
    int producerThreadsKept() {
        return counts.threadsKept();
    }

    /** Drops the ring of a producer thread that has ended from the lookup cache (its lanes let it go). */
    void forget(ProducerRing ring) {
        rings.forget(ring);
    }

    /** How many observers are registered now. */
    public int size() {
        return registry.lanes().length;
    }

    void unregister(Lane lane) {
        synchronized (writeLock) {
            Lane[] current = registry.lanes();
            for (int i = 0; i < current.length; i++) {
                if (current[i] == lane) {
                    Lane[] next = new Lane[current.length - 1];
                    System.arraycopy(current, 0, next, 0, i);
                    System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                    publish(next);
                    return;
                }
            }
        }
    }

    /**
     * Replaces {@code old} by a new lane with another filter or policy, in one step: every emit
     * reaches either the old lane or the new one, never both or neither (an emit that reaches an
     * old async lane after it has drained is handed on to the new lane, in its producer's order). The old lane is drained
     * (to its old observer) as by {@link Registration#close()} before this returns. The new lane
     * holds what it takes, as after {@link Registration#hold()}, until {@link Registration#resume}
     * gives it its observer: so the caller can stop the old observer first, and the new one
     * starts from whatever state the old one left (a saved file, say).
     *
     * @throws IllegalArgumentException if {@code old} is not registered on this bus
     */
    public Registration replace(Registration old, EventFilter filter, DispatchPolicy policy) {
        Lane lane;
        synchronized (writeLock) {
            Lane[] current = registry.lanes();
            int index = Arrays.asList(current).indexOf(old);
            if (index < 0) {
                throw new IllegalArgumentException("not registered: " + old.name());
            }
            lane = newLane(old.name(), filter, null, policy); // it holds until a resume gives it the observer
            ((Lane) old).replacedBy(lane);
            Lane[] next = current.clone();
            next[index] = lane;
            publish(next);
        }
        ((Lane) old).closeReplaced();
        return lane;
    }

    /** Republishes the registry after a sync lane changed whether it may be called directly; returns its generation. */
    int refresh() {
        synchronized (writeLock) {
            publish(registry.lanes());
            return registry.generation();
        }
    }

    /**
     * Waits until no emit that saw a generation older than {@code generation} containing
     * {@code lane} is still running (each emit counts its start and end per generation).
     *
     * @return false if that did not happen within {@code timeout}
     */
    boolean awaitEmitsBefore(int generation, SyncLane lane, Duration timeout) {
        Objects.requireNonNull(lane, "lane");
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int slot : lane.generations()) {
            if (slot == generation) {
                continue;
            }
            // Ended before started: equal sums then mean no emit of that generation is running.
            while (counts.sum(slot + 1) != counts.sum(slot)) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        }
        return true;
    }

    private Lane newLane(String name, EventFilter filter, Observer observer, DispatchPolicy policy) {
        return policy.mode() == DispatchMode.SYNC
                ? new SyncLane(this, name, filter, observer, policy, counts, nextSlot++, syncRecoveryDelay)
                : new AsyncLane(this, name, filter, observer, policy);
    }

    /**
     * Installs a new registry generation. Its sync lanes count the emits that see it in two
     * slots: emits started (the lanes' {@code received}) and emits ended (for quiescence).
     */
    private void publish(Lane[] lanes) {
        int generation = -1;
        for (Lane lane : lanes) {
            if (lane instanceof SyncLane sync) {
                if (generation < 0) {
                    generation = nextSlot;
                    nextSlot += 2;
                }
                sync.joined(generation);
            }
        }
        registry = Registry.of(lanes, generation);
    }
}
