package io.visutility.monitor.host;

import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.manifest.Manifest;
import io.visutility.monitor.host.manifest.ManifestException;
import io.visutility.monitor.host.manifest.ManifestLoader;
import io.visutility.monitor.host.observers.ObserverSet;
import io.visutility.monitor.host.plugins.ExtensionCatalog;
import io.visutility.monitor.host.plugins.PluginHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running host: the plugins of the manifest's folder loaded, the manifest's observers started
 * and registered on {@link #bus()}. Producers in the same JVM emit on the bus directly.
 *
 * <pre>{@code
 * try (Monitor monitor = Monitor.start(Path.of("conf/monitor.yaml"))) {
 *     monitor.bus().emit(new ConceptDrift(new ModelVersion("fraud", "v2"), 0.003, Instant.now()));
 * }
 * }</pre>
 *
 * <p>Thread-safe: the bus takes events from any thread; {@link #close()} is idempotent and stops
 * each observer once.
 */
public final class Monitor implements AutoCloseable {

    private final Manifest manifest;
    private final PluginHost plugins;
    private final ExtensionCatalog catalog;
    private final EventBus bus;
    private final ObserverSet observers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Monitor(Manifest manifest, PluginHost plugins, ExtensionCatalog catalog, EventBus bus,
                    ObserverSet observers) {
        this.manifest = manifest;
        this.plugins = plugins;
        this.catalog = catalog;
        this.bus = bus;
        this.observers = observers;
    }

    /**
     * Reads the manifest, loads its plugins folder, and starts its observers.
     *
     * @throws ManifestException if the manifest or an entry of it cannot run; nothing is left running
     */
    public static Monitor start(Path manifestFile) throws ManifestException {
        Manifest manifest = new ManifestLoader().load(manifestFile);
        PluginHost plugins = new PluginHost(HostVersion.current());
        try {
            ExtensionCatalog catalog = loadPlugins(plugins, manifest);
            EventBus bus = new EventBus();
            ObserverSet observers = ObserverSet.start(manifest, catalog, bus);
            return new Monitor(manifest, plugins, catalog, bus, observers);
        } catch (ManifestException | RuntimeException e) {
            plugins.close();
            throw e;
        }
    }

    /** Loads the manifest's plugins folder into {@code plugins}. */
    public static ExtensionCatalog loadPlugins(PluginHost plugins, Manifest manifest) throws ManifestException {
        Path dir = manifest.pluginsDir();
        if (!Files.isDirectory(dir)) {
            throw new ManifestException(manifest.file() + ": plugins.dir: " + dir + " is not a folder");
        }
        try {
            return plugins.loadFolder(dir);
        } catch (IOException e) {
            throw new ManifestException(manifest.file() + ": plugins.dir: cannot list " + dir + ": " + e.getMessage());
        }
    }

    /** The bus to emit events on. */
    public EventBus bus() {
        return bus;
    }

    /** The manifest this host runs. */
    public Manifest manifest() {
        return manifest;
    }

    /** What the plugins folder provided, and what failed to load. */
    public ExtensionCatalog catalog() {
        return catalog;
    }

    /** The names of the running observers. */
    public List<String> observerNames() {
        return observers.names();
    }

    /** Stops every observer once, then unloads the plugins. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            observers.close();
            plugins.close();
        }
    }
}
