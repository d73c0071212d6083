package io.visutility.monitor.plugins.drift;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes a detector's saved state (see {@code DriftStrategy.saveState}). */
final class State {

    private final Map<String, Object> values;

    private State(Map<String, Object> values) {
        this.values = values;
    }

    static State of(Map<String, Object> values) {
        return new State(values);
    }

    static Map<String, Object> builder() {
        return new LinkedHashMap<>();
    }

    /** A double as saved: finite numbers as numbers, the others as strings. */
    static Object number(double value) {
        return Double.isFinite(value) ? (Object) value : Double.toString(value);
    }

    static List<Object> numbers(double[] values, int count) {
        List<Object> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(number(values[i]));
        }
        return list;
    }

    double getDouble(String key) {
        return toDouble(key, required(key));
    }

    long getLong(String key) {
        Object value = required(key);
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw new IllegalArgumentException("state key '" + key + "' must be a whole number, got " + value);
    }

    List<?> getList(String key) {
        Object value = required(key);
        if (value instanceof List<?> list) {
            return list;
        }
        throw new IllegalArgumentException("state key '" + key + "' must be a list, got " + value);
    }

    static double toDouble(String key, Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("state key '" + key + "' must be a number, got " + value);
    }

    private Object required(String key) {
        Object value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("state key '" + key + "' is missing");
        }
        return value;
    }
}
