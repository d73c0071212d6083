package io.visutility.monitor.host.manifest;

import java.nio.file.Path;
import java.util.List;

/**
 * A validated manifest ({@code conf/monitor.yaml}). Immutable.
 *
 * @param file       where it was read from
 * @param pluginsDir the plugins folder, resolved against the manifest's folder
 * @param watch      {@code reload.watch}
 * @param observers  the observer entries, enabled or not, in file order
 */
public record Manifest(Path file, Path pluginsDir, boolean watch, List<ObserverSpec> observers) {

    public Manifest {
        observers = List.copyOf(observers);
    }

    /** The entries with {@code enabled: true}. */
    public List<ObserverSpec> enabledObservers() {
        return observers.stream().filter(ObserverSpec::enabled).toList();
    }
}
