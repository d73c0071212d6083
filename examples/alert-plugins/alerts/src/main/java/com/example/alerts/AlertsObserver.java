package com.example.alerts;

import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.ObserverContext;
import java.util.List;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * Sends an alert through every {@link Notifier} the loaded plugins provide when a concept drift
 * p-value is at most {@code alpha} (a low p-value means drift). The host restarts this observer
 * when a plugin that provides a Notifier is added, replaced or removed, so the list found in
 * {@code start} is always the current one.
 */
@Extension
@ExtensionType("alerts")
public class AlertsObserver implements Observer {

    private List<Notifier> notifiers;
    private double alpha;
    private Logger log;

    @Override
    public void start(ObserverContext context) {
        alpha = context.settings().getDouble("alpha", 0.01);
        log = context.logger();
        notifiers = context.extensions(Notifier.class);
        log.info("sending alerts through {}", notifiers.stream().map(Notifier::name).toList());
    }

    @Override
    public void onEvent(ModelMetricEvent event) {
        if (event instanceof ConceptDrift drift && drift.pValue() <= alpha) {
            String alert = "concept drift on " + drift.model() + ": p_value " + drift.pValue() + " <= " + alpha;
            for (Notifier notifier : notifiers) {
                try {
                    notifier.send(alert);
                } catch (Exception e) {
                    log.warn("notifier {} failed: {}", notifier.name(), e.toString());
                }
            }
        }
    }
}
