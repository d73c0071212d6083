package io.visutility.monitor.host.bus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A long on a cache line of its own, as the LMAX Disruptor's {@code Sequence}: a ring's cursor, a
 * reader's position, a lane's attention flag, a ring's count of raised lanes. Each of these is
 * written by one thread and read by others on every event; padding keeps a write to one from
 * invalidating the line that holds another.
 *
 * <p>Thread-safe: each method names its memory ordering; the handshakes that rely on them are named
 * in {@code package-info.java}.
 */
final class Sequence {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Longs between the value and either end: 128 bytes, so no neighbour shares its line or the next. */
    private static final int PAD = 16;

    private final long[] padded = new long[2 * PAD + 1];

    Sequence(long initial) {
        LONGS.setRelease(padded, PAD, initial);
    }

    /** An acquiring read. */
    long get() {
        return (long) LONGS.getAcquire(padded, PAD);
    }

    /** A volatile read: for the side of a handshake that must not read before its own earlier store. */
    long getVolatile() {
        return (long) LONGS.getVolatile(padded, PAD);
    }

    /** A releasing store. */
    void set(long value) {
        LONGS.setRelease(padded, PAD, value);
    }

    /** A volatile store. */
    void setVolatile(long value) {
        LONGS.setVolatile(padded, PAD, value);
    }

    boolean compareAndSet(long expected, long value) {
        return LONGS.compareAndSet(padded, PAD, expected, value);
    }

    void add(long delta) {
        LONGS.getAndAdd(padded, PAD, delta);
    }
}
