package io.visutility.monitor.host.bus;

/**
 * Counters of one registered observer, read at one moment.
 *
 * @param name      the registration name
 * @param delivered events whose {@code onEvent} returned normally
 * @param failed    events whose {@code onEvent} threw
 */
public record ObserverStats(String name, long delivered, long failed) {
}
