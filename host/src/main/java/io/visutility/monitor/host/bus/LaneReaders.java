package io.visutility.monitor.host.bus;

import java.util.Arrays;

/**
 * The {@link RingReader}s of one async lane, one per producer ring it reads: producers add theirs
 * and let them go, the lane lets go of those whose thread has ended. Also keeps the lane's share of
 * each ring's attention count, and the {@code queue_full} drops counted outside the listed readers.
 *
 * <p>Thread-safety: the list is copy-on-write, read without a lock; changes, the attention shares
 * and the drops counted elsewhere are guarded by this object's monitor (the lane's "readers lock";
 * lock order in package-info).
 */
final class LaneReaders {

    private volatile RingReader[] readers = new RingReader[0];
    /** Whether this lane counts as raised in its readers' rings. */
    private boolean attentionInRings;
    /**
     * The {@code queue_full} drops counted outside the listed readers: those of readers the lane has
     * let go, and those of events a replaced lane handed on.
     */
    private long queueFullElsewhere;

    /** The readers now; the array is never changed in place. */
    RingReader[] current() {
        return readers;
    }

    synchronized void add(RingReader reader) {
        RingReader[] current = readers;
        RingReader[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = reader;
        if (attentionInRings) {
            reader.ring.addAttention(1);
        }
        readers = grown;
    }

    /**
     * Lets a reader go, keeping the drops its producer counted. Called by that producer, or by the
     * lane once the producer has ended: no one counts in the reader after this.
     */
    synchronized void remove(RingReader reader) {
        RingReader[] current = readers;
        RingReader[] left = Arrays.stream(current).filter(r -> r != reader).toArray(RingReader[]::new);
        if (left.length < current.length) { // its producer and the lane may both let it go
            queueFullElsewhere += reader.queueFull.get();
            readers = left;
            if (attentionInRings) {
                reader.ring.addAttention(-1);
            }
        }
    }

    /** Counts an event dropped as {@code queue_full} that no reader counted (one a replaced lane handed on). */
    synchronized void countQueueFull() {
        queueFullElsewhere++;
    }

    /** The lane's {@code queue_full} drops, its own and those its readers' producers counted. */
    synchronized long queueFull() {
        long total = queueFullElsewhere;
        for (RingReader reader : readers) {
            total += reader.queueFull.get();
        }
        return total;
    }

    /**
     * Raises or lowers the lane's {@code flag}, and with it the lane's share of the count of raised
     * lanes in each ring it reads (which producers read first). Raising counts first, then the flag:
     * a producer that could see the raised flag sees the count too, and so looks at the flag.
     * (Lowering order does not matter: the lane is awake.)
     */
    synchronized void setAttention(Sequence flag, boolean raised) {
        if (raised && !attentionInRings) {
            attentionInRings = true;
            for (RingReader reader : readers) {
                reader.ring.addAttention(1);
            }
        }
        flag.setVolatile(raised ? 1 : 0);
        if (!raised && attentionInRings) {
            attentionInRings = false;
            for (RingReader reader : readers) {
                reader.ring.addAttention(-1);
            }
        }
    }

    /** Whether every reader's lane has read what was published for it (a volatile look: "publish vs sleep"). */
    boolean allRead() {
        for (RingReader reader : readers) {
            if (!reader.readAll()) {
                return false;
            }
        }
        return true;
    }

    /** Events in the rings the lane has not read, whether or not its filter takes them. */
    int unread() {
        long unread = 0;
        for (RingReader reader : readers) {
            unread += reader.unread();
        }
        return (int) Math.min(Integer.MAX_VALUE, unread);
    }

    /** Lets go of the rings of producer threads that have ended, once the lane has read all they hold. */
    void letEndedRingsGo(EventBus bus) {
        for (RingReader reader : readers) {
            // A thread seen ended has published its last event, and that is visible here (JLS 17.4.4).
            if (!reader.ring.owner.isAlive() && reader.readAll()) {
                remove(reader);
                bus.forget(reader.ring);
            }
        }
    }
}
