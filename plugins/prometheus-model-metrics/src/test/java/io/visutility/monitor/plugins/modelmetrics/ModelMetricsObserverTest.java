package io.visutility.monitor.plugins.modelmetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.Metrics;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.ObserverContext;
import io.visutility.monitor.api.Settings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ModelMetricsObserverTest {

    private static final ModelVersion DETECTOR = new ModelVersion("object_detector", "v1.2.3");
    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

    /** Every update, as "name labels=value", and the buckets each histogram was made with. */
    private static final class RecordingMetrics implements Metrics {
        final List<String> updates = new ArrayList<>();
        final List<List<Double>> buckets = new ArrayList<>();

        @Override
        public Counter counter(String name, String help, String... labelNames) {
            return (amount, labels) -> updates.add(name + " " + List.of(labels) + "+=" + amount);
        }

        @Override
        public Gauge gauge(String name, String help, String... labelNames) {
            return (value, labels) -> updates.add(name + " " + List.of(labels) + "=" + value);
        }

        @Override
        public Histogram histogram(String name, String help, List<Double> bounds, String... labelNames) {
            buckets.add(bounds);
            return (value, labels) -> updates.add(name + " " + List.of(labels) + "<-" + value);
        }
    }

    private static ObserverContext context(Map<String, ?> config, Metrics metrics) {
        Settings settings = Settings.of(config);
        return new ObserverContext() {
            @Override
            public String name() {
                return "model-metrics";
            }

            @Override
            public Settings settings() {
                return settings;
            }

            @Override
            public DriftStrategy newStrategy() {
                throw new IllegalStateException("none");
            }

            @Override
            public Logger logger() {
                return LoggerFactory.getLogger("observer.model-metrics");
            }

            @Override
            public Metrics metrics() {
                return metrics;
            }
        };
    }

    @Test
    void publishesLatencyInSecondsAndTheLastDriftAndPValuePerModelVersion() {
        RecordingMetrics metrics = new RecordingMetrics();
        ModelMetricsObserver observer = new ModelMetricsObserver();
        observer.start(context(Map.of(), metrics));

        observer.onEvent(new InferenceLatency(DETECTOR, 183, T));
        observer.onEvent(new AccuracyDrift(DETECTOR, 0.17, T));
        observer.onEvent(new ConceptDrift(new ModelVersion("fraud", "v2"), 0.003, T));

        assertThat(metrics.buckets).containsExactly(ModelMetricsObserver.DEFAULT_BUCKETS);
        assertThat(metrics.updates).containsExactly(
                "model_inference_latency_seconds [object_detector, v1.2.3]<-0.183",
                "model_accuracy_drift [object_detector, v1.2.3]=0.17",
                "model_concept_drift_p_value [fraud, v2]=0.003");
    }

    @Test
    void tracksAtMostMaxSeriesModelVersionsAndCountsTheRest() {
        RecordingMetrics metrics = new RecordingMetrics();
        ModelMetricsObserver observer = new ModelMetricsObserver();
        observer.start(context(Map.of("max_series", 2, "latency_buckets", List.of(0.1, 1)), metrics));

        for (int i = 0; i < 4; i++) {
            observer.onEvent(new InferenceLatency(new ModelVersion("m" + i, "v1"), 50, T));
        }
        observer.onEvent(new InferenceLatency(new ModelVersion("m0", "v1"), 2000, T));

        assertThat(metrics.buckets).containsExactly(List.of(0.1, 1.0));
        assertThat(metrics.updates).containsExactly(
                "model_inference_latency_seconds [m0, v1]<-0.05",
                "model_inference_latency_seconds [m1, v1]<-0.05",
                "model_metrics_untracked_events [model-metrics]+=1.0",
                "model_metrics_untracked_events [model-metrics]+=1.0",
                "model_inference_latency_seconds [m0, v1]<-2.0");
    }

    @Test
    void rejectsBucketsThatAreNotAscendingPositiveNumbers() {
        for (List<?> bad : List.of(List.of(1, 0.5), List.of("fast"), List.of(-1), List.of(0.1, 0.1))) {
            assertThatThrownBy(() -> new ModelMetricsObserver().start(
                    context(Map.of("latency_buckets", bad), new RecordingMetrics())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latency_buckets");
        }
        assertThatThrownBy(() -> new ModelMetricsObserver().start(
                context(Map.of("max_series", 0), new RecordingMetrics())))
                .hasMessageContaining("max_series").hasMessageContaining("at least 1");
    }
}
