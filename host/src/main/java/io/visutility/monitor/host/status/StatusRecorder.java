package io.visutility.monitor.host.status;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;

/**
 * The host's own observer: adds every event to {@link ModelStatus}. Registered on its own async
 * lane, so keeping the series costs producers one ring write per event, not the series' work.
 *
 * <p>Thread-safe: {@link ModelStatus} is.
 */
public final class StatusRecorder implements Observer {

    private final ModelStatus status;

    public StatusRecorder(ModelStatus status) {
        this.status = status;
    }

    @Override
    public void onEvent(ModelMetricEvent event) {
        status.record(event);
    }
}
