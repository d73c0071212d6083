package io.visutility.monitor.api;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A typed, read-only view of one YAML map of the manifest (an observer's {@code config} or a
 * strategy's {@code strategy.config}).
 *
 * <p>Every error it raises is an {@link IllegalArgumentException} whose message names the
 * manifest file and line of the key, the owner (e.g. {@code observer 'retrain-on-drift'}) and the
 * key, so a plugin's complaint about a value points the user at the line to fix. Plugins use
 * {@link #invalid} to raise their own complaints in the same form.
 *
 * <p>The host remembers which keys a plugin asked for ({@link #requestedKeys()}), so that it can
 * reject a misspelt key instead of silently applying a default.
 *
 * <p>Thread-safe: the values are immutable; the set of requested keys is concurrent.
 */
public final class Settings {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final String owner;
    private final String location;
    private final Map<String, Object> values;
    private final Map<String, String> keyLocations;
    private final Set<String> requested = ConcurrentHashMap.newKeySet();

    private Settings(String owner, String location, Map<String, ?> values,
                     Map<String, String> keyLocations) {
        this.owner = owner;
        this.location = location;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.keyLocations = Map.copyOf(keyLocations);
    }

    /**
     * Settings with no source location, for a plugin's own unit tests.
     *
     * @param values scalar values ({@code String}, {@code Number}, {@code Boolean}) or lists of them
     */
    public static Settings of(Map<String, ?> values) {
        return new Settings("settings", "", values, Map.of());
    }

    /**
     * Settings that know where they came from; used by the host.
     *
     * @param owner        who the settings belong to, e.g. {@code observer 'console'}
     * @param location     {@code file:line} of the map itself
     * @param values       the map's values
     * @param keyLocations {@code file:line} of each key
     */
    public static Settings of(String owner, String location, Map<String, ?> values,
                              Map<String, String> keyLocations) {
        return new Settings(owner, location, values, keyLocations);
    }

    /** The keys present, in manifest order. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** Every key and value, in manifest order: scalars, and lists and maps of them. */
    public Map<String, Object> values() {
        return values;
    }

    /** The keys a plugin has asked for so far, present or not. */
    public Set<String> requestedKeys() {
        return Collections.unmodifiableSet(new TreeSet<>(requested));
    }

    /** {@code file:line} of {@code key}, or of the map if the key is absent or unknown. */
    public String where(String key) {
        return keyLocations.getOrDefault(key, location);
    }

    /**
     * An exception for a bad value of {@code key}, whose message names file, line, owner and key.
     * Plugins throw it from {@code configure} or {@code start}.
     */
    public IllegalArgumentException invalid(String key, String problem) {
        String at = where(key);
        return new IllegalArgumentException(
                (at.isEmpty() ? "" : at + ": ") + owner + ": key '" + key + "': " + problem);
    }

    /** The value of a required scalar key. */
    public String getString(String key) {
        Object value = lookup(key);
        if (value == null) {
            throw invalid(key, "is required");
        }
        return scalar(key, value);
    }

    /** The value of a scalar key, or {@code def} if absent. */
    public String getString(String key, String def) {
        Object value = lookup(key);
        return value == null ? def : scalar(key, value);
    }

    /** The value of a numeric key, or {@code def} if absent. */
    public double getDouble(String key, double def) {
        Object value = lookup(key);
        if (value == null) {
            return def;
        }
        if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw invalid(key, "expected a number, got " + describe(value));
    }

    /** The value of an integer key, or {@code def} if absent. */
    public long getLong(String key, long def) {
        Object value = lookup(key);
        if (value == null) {
            return def;
        }
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger) {
            throw invalid(key, "is out of range: integers go from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE
                    + ", got " + describe(value));
        }
        throw invalid(key, "expected an integer, got " + describe(value));
    }

    /** The value of a boolean key ({@code true}/{@code false}), or {@code def} if absent. */
    public boolean getBoolean(String key, boolean def) {
        Object value = lookup(key);
        if (value == null) {
            return def;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw invalid(key, "expected true or false, got " + describe(value));
    }

    /** The longest duration {@link #getDuration} accepts: 365 days (far from what overflows in nanoseconds). */
    public static final Duration MAX_DURATION = Duration.ofDays(365);

    /**
     * The value of a duration key such as {@code 250ms}, {@code 10s}, {@code 5m}, {@code 2h} or
     * {@code 1d}, at most {@link #MAX_DURATION}, or {@code def} if absent.
     */
    public Duration getDuration(String key, Duration def) {
        Object value = lookup(key);
        if (value == null) {
            return def;
        }
        Matcher m = DURATION.matcher(value instanceof String s ? s.trim() : "");
        if (!m.matches()) {
            throw invalid(key, "expected a duration such as 250ms, 10s, 5m, 2h or 1d, got "
                    + describe(value));
        }
        // Compared in the unit as written, so that no amount can overflow on the way.
        BigInteger amount = new BigInteger(m.group(1));
        long perUnit = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 86_400_000;
        };
        if (amount.compareTo(BigInteger.valueOf(MAX_DURATION.toMillis() / perUnit)) > 0) {
            throw invalid(key, "is too long: at most 365d, got " + describe(value));
        }
        return Duration.ofMillis(amount.longValueExact() * perUnit);
    }

    /** The values of a list key as strings; empty if absent. */
    public List<String> getList(String key) {
        Object value = lookup(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw invalid(key, "expected a list, got " + describe(value));
        }
        return list.stream().map(item -> scalar(key, item)).toList();
    }

    @Override
    public String toString() {
        return owner + " " + values;
    }

    private Object lookup(String key) {
        requested.add(key);
        return values.get(key);
    }

    private String scalar(String key, Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw invalid(key, "expected a single value, got " + describe(value));
    }

    private static String describe(Object value) {
        if (value instanceof String s) {
            return "'" + s + "'";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof Map) {
            return "a map";
        }
        return String.valueOf(value);
    }
}
