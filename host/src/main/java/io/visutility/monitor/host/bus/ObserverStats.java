package io.visutility.monitor.host.bus;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of one lane, read at one moment. They satisfy
 * {@code received == delivered + dropped() + failed + queued} whenever the lane is idle; a
 * snapshot taken while events flow may be off by the events in flight.
 *
 * @param name      the registration name
 * @param mode      how the lane delivers
 * @param received  events accepted for this observer (they passed its filter)
 * @param delivered events whose {@code onEvent} returned normally
 * @param failed    events whose {@code onEvent} threw
 * @param dropped   events not delivered, by reason (every reason present, zero or not)
 * @param queued    events waiting in the lane's queue, or taken by the lane and not yet handed to
 *                  the observer (always 0 in sync mode); events the lane has not yet read from
 *                  producers' rings are not counted here, nor in {@code received}, until it reads them
 * @param paused    whether the observer is paused after repeated failures
 * @param processing how long its {@code onEvent} calls took (async lanes only; sync lanes are
 *                   not timed and report {@link ProcessingTime#NONE})
 */
public record ObserverStats(String name, DispatchMode mode, long received, long delivered, long failed,
                            Map<DropReason, Long> dropped, long queued, boolean paused,
                            ProcessingTime processing) {

    public ObserverStats {
        EnumMap<DropReason, Long> all = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            all.put(reason, dropped.getOrDefault(reason, 0L));
        }
        dropped = Map.copyOf(all);
    }

    /** Events dropped for any reason. */
    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Events dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return dropped.get(reason);
    }
}
