package io.visutility.monitor.host.testing;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the observers of the jars {@link PluginJar} builds did, one line each, in order: {@code
 * "<name> #<instance> start <plugin version> label=<label>"}, {@code "<name> #<instance> <event type>
 * <model>"}, {@code "<name> #<instance> stop"}. The plugin classes find this class through the host's
 * class loader, as they find the plugin API.
 *
 * <p>Thread-safe: lanes write from their own threads while a test reads.
 */
public final class Journal {

    private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private Journal() {
    }

    /** Called by a plugin observer's constructor: its instance number, from 1 since {@link #clear}. */
    public static int newInstance() {
        return INSTANCES.incrementAndGet();
    }

    /** Called by plugin observers. */
    public static void record(String line) {
        LINES.add(line);
    }

    /** Every line so far, in order. */
    public static List<String> lines() {
        return List.copyOf(LINES);
    }

    /** The lines of observer {@code name}. */
    public static List<String> linesOf(String name) {
        return LINES.stream().filter(line -> line.startsWith(name + " #")).toList();
    }

    /** Forgets every line and restarts the instance numbers. */
    public static void clear() {
        LINES.clear();
        INSTANCES.set(0);
    }
}
