package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Calls its observer on the producer's thread, during {@code emit}. No queue, no thread, no lock;
 * a slow observer slows the producer, so this mode is for the cheapest observers. While the
 * observer is paused after repeated failures its events are dropped ({@link DropReason#PAUSED}).
 *
 * <p>The common case, a quiet lane and a successful call, runs inline in {@link EventBus#emit}
 * (the registry lists a quiet sync lane's observer for a direct call) and writes nothing here: the bus counts emits per registry generation in the producers' own
 * cells, so this lane's {@code received} is the sum over the generations it belonged to, less
 * what its filter rejected; failures and drops are counted here, and {@code delivered} is what is
 * left. Every accepted event ends in exactly one of those three outcomes, so the derivation is
 * exact.
 *
 * <p>Thread-safe: producers call it concurrently; state changes of the slow path (failure,
 * recovery, close) are serialized on this lane.
 */
final class SyncLane extends Lane {

    private final ProducerCounts counts;
    private final int rejectedSlot;
    private final List<Integer> generations = new ArrayList<>(); // guarded by the bus's write lock
    private final LongAdder failed = new LongAdder();
    private final LongAdder droppedPaused = new LongAdder();
    private final LongAdder droppedClosed = new LongAdder();
    private volatile boolean closing;
    /** True while neither closing nor in a failure streak: the registry may list it for direct calls. */
    private volatile boolean quiet = true;

    SyncLane(EventBus bus, String name, EventFilter filter, Observer observer, DispatchPolicy policy,
             ProducerCounts counts, int rejectedSlot) {
        super(bus, name, filter, observer, policy);
        this.counts = counts;
        this.rejectedSlot = rejectedSlot;
    }

    /** Records that registry generation {@code slot} contains this lane; called under the bus's write lock. */
    void joined(int slot) {
        synchronized (generations) {
            generations.add(slot);
        }
    }

    /** Counts an event the filter rejected, in the producer's cells. */
    void rejected(ProducerCounts.Cells cells) {
        cells.increment(rejectedSlot);
    }

    /** Whether emit may call the observer directly. */
    boolean quiet() {
        return quiet;
    }

    /** The fast path's failure: count it and leave the fast path until a success. */
    void failedFast(Throwable failure) {
        failed.increment();
        synchronized (this) {
            failures.failed(failure, System.nanoTime());
            quiet = false;
        }
        bus().refresh();
    }

    /** The slow path: the lane is closing, paused, or in a failure streak. */
    @Override
    void offer(ModelMetricEvent event, ProducerCounts.Cells cells) {
        if (!filter.accepts(event)) {
            rejected(cells);
        } else if (closing) {
            droppedClosed.increment();
        } else if (failures.isPaused()) {
            droppedPaused.increment();
        } else if (call(event) == DELIVERED) {
            boolean recovered;
            synchronized (this) {
                recovered = !quiet && !closing && !failures.troubled();
                quiet |= recovered;
            }
            if (recovered) {
                bus().refresh();
            }
        } else {
            failed.increment();
        }
    }

    @Override
    void drain() {
        synchronized (this) {
            closing = true;
            quiet = false;
        }
    }

    @Override
    public ObserverStats stats() {
        long received;
        synchronized (generations) {
            received = -counts.sum(rejectedSlot);
            for (int slot : generations) {
                received += counts.sum(slot);
            }
        }
        long bad = failed.sum();
        long paused = droppedPaused.sum();
        long closed = droppedClosed.sum();
        return new ObserverStats(name, DispatchMode.SYNC, received, Math.max(0, received - bad - paused - closed),
                bad, Map.of(DropReason.PAUSED, paused, DropReason.CLOSED, closed), 0, failures.paused());
    }
}
