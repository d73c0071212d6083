package io.visutility.monitor.host.bus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Per-slot event counts that many producer threads add to without atomic instructions: each
 * thread owns a {@link Cells} array and only that thread writes it, with release stores; a reader
 * sums every thread's cell for a slot. This is what lets a sync lane count each delivery for
 * about the price of a plain store (a {@code LongAdder} costs a compare-and-set per event).
 *
 * <p>Thread-safe. A sum is exact once the counting threads have stopped (or synchronized with the
 * reader); while they run it may trail by the increments still in flight. When a sum finds that a
 * thread has ended, it folds that thread's cells into the totals of ended threads and lets them
 * go, so producers on short-lived threads (a pool that replaces its threads, a thread per
 * request) do not pile up cells.
 */
final class ProducerCounts {

    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    private final Queue<Cells> all = new ConcurrentLinkedQueue<>();
    /** The counts of threads that have ended, by slot; guarded by {@code this}. */
    private long[] ended = new long[0];
    private final PerThread<Cells> mine = new PerThread<>(this::newCells);

    /** The calling thread's cells; look them up once per emit. */
    Cells cells() {
        return mine.get();
    }

    /** The total of {@code slot} over every thread; folds the cells of threads that have ended on the way. */
    synchronized long sum(int slot) {
        long sum = 0;
        for (Iterator<Cells> it = all.iterator(); it.hasNext(); ) {
            Cells cells = it.next();
            if (foldedIfEnded(cells)) {
                it.remove();
            } else {
                sum += cells.get(slot);
            }
        }
        return sum + (slot < ended.length ? ended[slot] : 0);
    }

    /** How many threads' cells are kept now (for tests). */
    synchronized int threadsKept() {
        all.removeIf(this::foldedIfEnded);
        return all.size();
    }

    /** Adds the cells of a thread that has ended to {@link #ended}; returns whether it did (the caller drops them). */
    private boolean foldedIfEnded(Cells cells) {
        // A thread seen ended has written its last count, and that write is visible here (JLS 17.4.4).
        if (cells.owner.isAlive()) {
            return false;
        }
        long[] counts = (long[]) Cells.COUNTS.getAcquire(cells);
        if (counts.length > ended.length) {
            ended = Arrays.copyOf(ended, counts.length);
        }
        for (int slot = 0; slot < counts.length; slot++) {
            ended[slot] += counts[slot];
        }
        mine.forget(cells);
        return true;
    }

    private Cells newCells(Thread owner) {
        Cells cells = new Cells(owner);
        all.add(cells);
        return cells;
    }

    /** One thread's counts, by slot. Written only by its thread; read by any. */
    static final class Cells implements PerThread.Owned {
        private static final VarHandle COUNTS;

        static {
            try {
                COUNTS = MethodHandles.lookup().findVarHandle(Cells.class, "counts", long[].class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        // The owner reads its own writes plainly; readers acquire what it published with release.
        private long[] counts = new long[8];
        private final Thread owner;

        Cells(Thread owner) {
            this.owner = owner;
        }

        @Override
        public Thread owner() {
            return owner;
        }

        /** Increments with a volatile read-modify-write: a full fence, so a later read cannot pass it. */
        void announce(int slot) {
            long[] current = counts;
            if (slot >= current.length) {
                current = grow(slot);
            }
            CELL.getAndAdd(current, slot, 1L);
        }

        /** Takes back an {@link #announce}. */
        void withdraw(int slot) {
            long[] current = counts;
            CELL.setRelease(current, slot, current[slot] - 1);
        }

        void increment(int slot) {
            long[] current = counts;
            if (slot >= current.length) {
                current = grow(slot);
            }
            CELL.setRelease(current, slot, current[slot] + 1);
        }

        long get(int slot) {
            long[] current = (long[]) COUNTS.getAcquire(this);
            return slot < current.length ? (long) CELL.getAcquire(current, slot) : 0;
        }

        private long[] grow(int slot) {
            long[] grown = Arrays.copyOf(counts, Math.max(slot + 1, counts.length * 2));
            COUNTS.setRelease(this, grown);
            return grown;
        }
    }
}
