package io.visutility.monitor.host.status;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.host.bus.DispatchMode;
import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.OverflowPolicy;
import java.time.Duration;
import java.util.Optional;

/**
 * The host's own observer: adds every event to {@link ModelStatus}. Registered on its own async
 * lane, so keeping the series costs producers one ring write per event, not the series' work.
 *
 * <p>Thread-safe: {@link ModelStatus} is.
 */
public final class StatusRecorder implements Observer {

    /**
     * The status lane's policy: async, so that keeping the series costs a producer one ring
     * write; it drops (counted) rather than ever slowing a producer down.
     */
    public static final DispatchPolicy LANE = new DispatchPolicy(DispatchMode.ASYNC, 1 << 16,
            OverflowPolicy.DROP_NEWEST, Optional.empty(), 5, Duration.ofSeconds(1), Duration.ofMinutes(1),
            Duration.ofSeconds(10));

    private final ModelStatus status;

    public StatusRecorder(ModelStatus status) {
        this.status = status;
    }

    @Override
    public void onEvent(ModelMetricEvent event) {
        status.record(event);
    }
}
