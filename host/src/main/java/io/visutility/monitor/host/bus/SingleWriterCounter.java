package io.visutility.monitor.host.bus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter that one thread increments and any thread reads. An increment is a plain read and a
 * release store: no atomic instruction, which is what makes it cheap enough for a lane's
 * per-event path.
 *
 * <p>Thread-safety: {@link #increment} must only ever be called by one thread at a time (with a
 * happens-before edge between successive writers); {@link #get} is safe from any thread.
 */
final class SingleWriterCounter {

    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(SingleWriterCounter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through VALUE
    private long value;

    void increment() {
        add(1);
    }

    void add(long delta) {
        VALUE.setRelease(this, (long) VALUE.get(this) + delta);
    }

    long get() {
        return (long) VALUE.getAcquire(this);
    }
}
