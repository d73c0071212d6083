package io.visutility.monitor.host.bus;

import java.util.function.Function;

/**
 * One value per thread, found on the hot path: a direct-mapped cache by thread id in front of a
 * {@link ThreadLocal}, whose lookup costs a hash probe on every call. The cache is racy by design:
 * a slot may hold another thread's value, which the owner check rejects.
 *
 * <p>Thread-safe.
 *
 * @param <T> the value, which knows the thread it belongs to
 */
final class PerThread<T extends PerThread.Owned> {

    /** A value that belongs to one thread. */
    interface Owned {
        Thread owner();
    }

    private static final int RECENT = 64;

    private final ThreadLocal<T> mine;
    private final Object[] recent = new Object[RECENT];

    /** @param create makes the calling thread's value on its first {@link #get} */
    PerThread(Function<Thread, T> create) {
        this.mine = ThreadLocal.withInitial(() -> create.apply(Thread.currentThread()));
    }

    /** The calling thread's value. */
    @SuppressWarnings("unchecked")
    T get() {
        Thread current = Thread.currentThread();
        int index = index(current);
        Object cached = recent[index];
        if (cached != null && ((T) cached).owner() == current) {
            return (T) cached;
        }
        T value = mine.get();
        recent[index] = value;
        return value;
    }

    /** Drops {@code value} from the cache (its thread has ended); a racing get may put it back, which is harmless. */
    void forget(T value) {
        int index = index(value.owner());
        if (recent[index] == value) {
            recent[index] = null;
        }
    }

    private static int index(Thread thread) {
        return (int) thread.getId() & (RECENT - 1);
    }
}
