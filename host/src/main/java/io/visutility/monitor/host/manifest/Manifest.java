package io.visutility.monitor.host.manifest;

import io.visutility.monitor.host.alerts.AlertsSpec;
import io.visutility.monitor.host.status.StatusSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated manifest ({@code conf/monitor.yaml}). Immutable.
 *
 * @param file       where it was read from
 * @param pluginsDir the plugins folder, resolved against the manifest's folder
 * @param watch      {@code reload.watch}: hot reload on changes to the plugins folder and this file
 * @param debounce   {@code reload.debounce}: how long changes must settle before a reload
 * @param observers  the observer entries, enabled or not, in file order
 * @param http       the HTTP listener ({@code http} or {@code ingest.http}), if there is one
 * @param kafka      the {@code ingest.kafka} block, if this host is one of a cluster reading a topic
 * @param pins       {@code plugins.verify}: plugin id to the SHA-256 (lower-case hex) its jar must have
 * @param lines      where {@code plugins.dir} and each {@code plugins.verify.<id>} are written, for messages
 * @param status     the {@code status} block: drift resolution and how many model versions are kept
 * @param alerts     the {@code alerts.alertmanager} block, if model health goes to Alertmanager
 */
public record Manifest(Path file, Path pluginsDir, boolean watch, Duration debounce, List<ObserverSpec> observers,
                       Optional<HttpIngestSpec> http, Optional<KafkaIngestSpec> kafka, Map<String, String> pins,
                       Map<String, SourceLocation> lines, StatusSpec status, Optional<AlertsSpec> alerts) {

    /** The default {@code reload.debounce}. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(250);


    public Manifest {
        observers = List.copyOf(observers);
        pins = Map.copyOf(pins);
        lines = Map.copyOf(lines);
    }

    /**
     * A problem with {@code key} ({@code plugins.dir}, {@code plugins.verify.<id>}): at its line if
     * the file has it, else at the file.
     */
    public String problem(String key, String message) {
        SourceLocation at = lines.get(key);
        return at != null ? at.problem(key, message) : file + ": " + key + ": " + message;
    }

    /** The entries with {@code enabled: true}. */
    public List<ObserverSpec> enabledObservers() {
        return observers.stream().filter(ObserverSpec::enabled).toList();
    }
}
