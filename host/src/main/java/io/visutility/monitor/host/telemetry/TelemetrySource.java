package io.visutility.monitor.host.telemetry;

import io.visutility.monitor.host.bus.ObserverStats;
import java.util.Map;

/**
 * What the host's telemetry reads from the running host at scrape time: the observers' lane
 * counters, the reload counts and the plugin counts. The running host implements it; telemetry
 * needs nothing else of it.
 *
 * <p>Implementations are thread-safe: scrapes call them from any thread, at any time.
 */
public interface TelemetrySource {

    /** Each running observer's counters, by observer name; takes no lock a reload holds. */
    Map<String, ObserverStats> observerStats();

    /** How many reloads (manifest or plugins folder) were applied ({@code ok}) or rejected. */
    long reloads(boolean ok);

    /** How many plugins are loaded and started. */
    int pluginsLoaded();

    /** How many plugin jars of the folder could not be used. */
    int pluginsFailed();
}
