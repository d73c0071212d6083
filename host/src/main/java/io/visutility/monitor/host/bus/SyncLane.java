package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Calls its observer on the producer's thread, during {@code emit}. No queue, no thread, no lock;
 * a slow observer slows the producer, so this mode is for the cheapest observers. While the
 * observer is paused after repeated failures, its events are dropped ({@link DropReason#PAUSED}).
 *
 * <p>Thread-safe: producers call {@link #offer} concurrently; counters are {@link LongAdder}s.
 */
final class SyncLane extends Lane {

    private final LongAdder delivered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder droppedPaused = new LongAdder();
    private final LongAdder droppedClosed = new LongAdder();
    private volatile boolean closing;

    SyncLane(EventBus bus, String name, EventFilter filter, Observer observer, DispatchPolicy policy) {
        super(bus, name, filter, observer, policy);
    }

    @Override
    void offer(ModelMetricEvent event) {
        if (!filter.accepts(event)) {
            return;
        }
        if (closing) {
            droppedClosed.increment();
        } else if (failures.isPaused()) {
            droppedPaused.increment();
        } else if (call(event) == DELIVERED) {
            delivered.increment();
        } else {
            failed.increment();
        }
    }

    @Override
    void drain() {
        closing = true;
    }

    @Override
    public ObserverStats stats() {
        long ok = delivered.sum();
        long bad = failed.sum();
        long paused = droppedPaused.sum();
        long closed = droppedClosed.sum();
        return new ObserverStats(name, DispatchMode.SYNC, ok + bad + paused + closed, ok, bad,
                Map.of(DropReason.PAUSED, paused, DropReason.CLOSED, closed), 0, failures.paused());
    }
}
