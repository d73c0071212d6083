package io.visutility.monitor.plugins.retraining;

import io.visutility.monitor.api.Metrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/** Counters kept in memory, checked as the host's registry checks them (same labels, label count). */
final class RecordingMetrics implements Metrics {

    private final Map<String, List<String>> labelNames = new ConcurrentHashMap<>();
    private final Map<String, Map<List<String>, DoubleAdder>> counters = new ConcurrentHashMap<>();

    @Override
    public Counter counter(String name, String help, String... labels) {
        List<String> names = List.of(labels);
        if (!labelNames.computeIfAbsent(name, key -> names).equals(names)) {
            throw new IllegalArgumentException(name + " is taken with labels " + labelNames.get(name));
        }
        Map<List<String>, DoubleAdder> series = counters.computeIfAbsent(name, key -> new ConcurrentHashMap<>());
        return (amount, values) -> {
            if (values.length != names.size() || amount < 0) {
                throw new IllegalArgumentException(name + ": labels " + names + ", got " + List.of(values));
            }
            series.computeIfAbsent(List.of(values), key -> new DoubleAdder()).add(amount);
        };
    }

    @Override
    public Gauge gauge(String name, String help, String... labels) {
        throw new UnsupportedOperationException("no gauges expected");
    }

    @Override
    public Histogram histogram(String name, String help, List<Double> buckets, String... labels) {
        throw new UnsupportedOperationException("no histograms expected");
    }

    /** The counter's value for these label values; 0 if never incremented. */
    double value(String name, String... labelValues) {
        DoubleAdder adder = counters.getOrDefault(name, Map.of()).get(List.of(labelValues));
        return adder == null ? 0 : adder.sum();
    }

    /** Every series of the counter, by label values. */
    Map<List<String>, Double> series(String name) {
        Map<List<String>, Double> out = new ConcurrentHashMap<>();
        counters.getOrDefault(name, Map.of()).forEach((labels, adder) -> out.put(labels, adder.sum()));
        return out;
    }
}
