package io.visutility.monitor.plugins.webhook;

import io.visutility.monitor.api.Metrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/** Records counters in a map keyed {@code name{label=value,...}}; checks label arity like the host does. */
final class TestMetrics implements Metrics {

    private final Map<String, DoubleAdder> values = new ConcurrentHashMap<>();

    @Override
    public Counter counter(String name, String help, String... labelNames) {
        return (amount, labelValues) -> {
            if (amount < 0) {
                throw new IllegalArgumentException("negative amount " + amount);
            }
            values.computeIfAbsent(key(name, labelNames, labelValues), k -> new DoubleAdder()).add(amount);
        };
    }

    @Override
    public Gauge gauge(String name, String help, String... labelNames) {
        throw new UnsupportedOperationException("the webhook publishes counters only");
    }

    @Override
    public Histogram histogram(String name, String help, List<Double> buckets, String... labelNames) {
        throw new UnsupportedOperationException("the webhook publishes counters only");
    }

    /** The value of a series, e.g. {@code value("webhook_retries{observer=hook}")}; 0 if never counted. */
    double value(String series) {
        DoubleAdder adder = values.get(series);
        return adder == null ? 0 : adder.sum();
    }

    private static String key(String name, String[] labelNames, String[] labelValues) {
        if (labelNames.length != labelValues.length) {
            throw new IllegalArgumentException(name + ": " + labelNames.length + " label names, "
                    + labelValues.length + " values");
        }
        StringBuilder key = new StringBuilder(name).append('{');
        for (int i = 0; i < labelNames.length; i++) {
            key.append(i == 0 ? "" : ",").append(labelNames[i]).append('=').append(labelValues[i]);
        }
        return key.append('}').toString();
    }
}
