package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Fans each emitted event out to every registered observer, each through its own {@link Lane}:
 * in {@link DispatchMode#SYNC} mode on the producer's thread, in {@link DispatchMode#ASYNC} mode
 * through a bounded queue drained by the lane's own thread, so that one slow or failing observer
 * never reaches another observer or the producer.
 *
 * <p>The registry is a copy-on-write array: {@link #emit} reads it once through a volatile field,
 * takes no lock and allocates nothing per observer; {@link #register} and
 * {@link Registration#close()} copy it under a lock. An emit that overlaps a register or close
 * sees the registry either before or after the change, never a mix.
 *
 * <p>Thread-safe: any number of threads may emit, register and close at once. Each observer sees
 * one producer's events in that producer's emit order. Every event an observer's filter accepts
 * is delivered or counted as dropped for a stated {@link DropReason} (see {@link ObserverStats}).
 */
public final class EventBus {

    private static final Lane[] NONE = new Lane[0];

    private final Object writeLock = new Object();
    private volatile Lane[] lanes = NONE;

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
        Lane lane = policy.mode() == DispatchMode.SYNC
                ? new SyncLane(this, name, filter, observer, policy)
                : new AsyncLane(this, name, filter, observer, policy);
        synchronized (writeLock) {
            Lane[] current = lanes;
            Lane[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = lane;
            lanes = next;
        }
        return lane;
    }

    /** Hands {@code event} to every registered observer whose filter accepts it. */
    public void emit(ModelMetricEvent event) {
        Objects.requireNonNull(event, "event");
        for (Lane lane : lanes) {
            lane.offer(event);
        }
    }

    /** The counters of every registered observer, in registration order. */
    public List<ObserverStats> stats() {
        Lane[] current = lanes;
        List<ObserverStats> stats = new ArrayList<>(current.length);
        for (Lane lane : current) {
            stats.add(lane.stats());
        }
        return stats;
    }

    /** How many observers are registered now. */
    public int size() {
        return lanes.length;
    }

    void unregister(Lane lane) {
        synchronized (writeLock) {
            Lane[] current = lanes;
            for (int i = 0; i < current.length; i++) {
                if (current[i] == lane) {
                    Lane[] next = new Lane[current.length - 1];
                    System.arraycopy(current, 0, next, 0, i);
                    System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                    lanes = next;
                    return;
                }
            }
        }
    }
}
