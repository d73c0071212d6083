package io.visutility.monitor.plugins.modelmetrics;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.Metrics;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.ObserverContext;
import io.visutility.monitor.api.Settings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * Publishes each model version's metrics on the host's {@code /metrics}, labelled {@code model}
 * and {@code version}: {@code model_inference_latency_seconds} (histogram),
 * {@code model_accuracy_drift} and {@code model_concept_drift_p_value} (gauges: the last value).
 *
 * <p>Settings: {@code latency_buckets} (bucket bounds in seconds, ascending; Prometheus' defaults
 * if absent), {@code max_series} (1000): the model versions tracked at most, because every new
 * model name a client sends would otherwise add series without bound; events of versions past it
 * are counted in {@code model_metrics_untracked_events} and the first is logged.
 *
 * <p>Thread-safety: {@link #onEvent} is called by one thread at a time (the host's lane), which
 * is what the set of tracked versions relies on; the metrics themselves take any thread.
 */
@Extension
@ExtensionType("prometheus-model-metrics")
public final class ModelMetricsObserver implements Observer {

    static final List<Double> DEFAULT_BUCKETS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

    private Metrics.Histogram latency;
    private Metrics.Gauge drift;
    private Metrics.Gauge pValue;
    private Metrics.Counter untracked;
    private Logger logger;
    private String observer;
    private long maxSeries;
    private boolean warnedFull;
    private final Set<ModelVersion> tracked = new HashSet<>();

    @Override
    public void start(ObserverContext ctx) {
        Settings settings = ctx.settings();
        List<Double> buckets = buckets(settings);
        maxSeries = settings.getLong("max_series", 1000);
        if (maxSeries < 1) {
            throw settings.invalid("max_series", "must be at least 1, got " + maxSeries);
        }
        Metrics metrics = ctx.metrics();
        latency = metrics.histogram("model_inference_latency_seconds", "Inference latency per model version",
                buckets, "model", "version");
        drift = metrics.gauge("model_accuracy_drift", "Last accuracy drift per model version", "model", "version");
        pValue = metrics.gauge("model_concept_drift_p_value", "Last concept-drift p-value per model version",
                "model", "version");
        untracked = metrics.counter("model_metrics_untracked_events",
                "Events of model versions past max_series, not published", "observer");
        logger = ctx.logger();
        observer = ctx.name();
    }

    private static List<Double> buckets(Settings settings) {
        List<String> given = settings.getList("latency_buckets");
        if (given.isEmpty()) {
            return DEFAULT_BUCKETS;
        }
        List<Double> bounds = new ArrayList<>();
        for (String bound : given) {
            double value;
            try {
                value = Double.parseDouble(bound);
            } catch (NumberFormatException e) {
                throw settings.invalid("latency_buckets", "expected numbers of seconds, got '" + bound + "'");
            }
            if (!Double.isFinite(value) || value <= 0 || !bounds.isEmpty() && value <= bounds.get(bounds.size() - 1)) {
                throw settings.invalid("latency_buckets", "bounds must be positive and ascending, got " + given);
            }
            bounds.add(value);
        }
        return bounds;
    }

    @Override
    public void onEvent(ModelMetricEvent event) {
        ModelVersion model = event.model();
        if (!track(model)) {
            untracked.inc(1, observer);
            return;
        }
        if (event instanceof InferenceLatency e) {
            latency.observe(e.latencyMs() / 1000.0, model.name(), model.version());
        } else if (event instanceof AccuracyDrift e) {
            drift.set(e.drift(), model.name(), model.version());
        } else if (event instanceof ConceptDrift e) {
            pValue.set(e.pValue(), model.name(), model.version());
        }
    }

    private boolean track(ModelVersion model) {
        if (tracked.contains(model)) {
            return true;
        }
        if (tracked.size() >= maxSeries) {
            if (!warnedFull) {
                warnedFull = true;
                logger.warn("max_series {} reached: events of {} {} and other new model versions are not published",
                        maxSeries, model.name(), model.version());
            }
            return false;
        }
        tracked.add(model);
        return true;
    }
}
