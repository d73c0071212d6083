package io.visutility.monitor.host;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.EventFilter;
import io.visutility.monitor.host.bus.Registration;
import io.visutility.monitor.host.bus.ObserverStats;
import io.visutility.monitor.host.manifest.HttpIngestSpec;
import io.visutility.monitor.host.manifest.KafkaIngestSpec;
import io.visutility.monitor.host.manifest.Manifest;
import io.visutility.monitor.host.manifest.ManifestException;
import io.visutility.monitor.host.manifest.ManifestLoader;
import io.visutility.monitor.host.observers.ObserverSet;
import io.visutility.monitor.host.plugins.ExtensionCatalog;
import io.visutility.monitor.host.plugins.PluginHost;
import io.visutility.monitor.host.plugins.PluginInfo;
import io.visutility.monitor.host.plugins.PluginProblem;
import io.visutility.monitor.host.reload.ReloadHistory;
import io.visutility.monitor.host.status.ModelStatus;
import io.visutility.monitor.host.status.StatusRecorder;
import io.visutility.monitor.host.telemetry.PluginMetrics;
import io.visutility.monitor.host.telemetry.TelemetrySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>The reload methods change the running host in place ({@link #reloadManifest()},
 * {@link #jarsChanged}); each logs one {@code reload:} line, and a reload that cannot be applied
 * leaves the host as it was.
 *
 * <p>Thread-safe: the bus takes events from any thread; reloads and {@link #close()} are
 * serialized on this object (one control path owns PF4J); {@link #close()} is idempotent.
 */
public final class Monitor implements AutoCloseable, TelemetrySource {

    private static final Logger LOG = LoggerFactory.getLogger("reload");

    private final PluginHost plugins;
    private final PrometheusRegistry registry;
    private final EventBus bus;
    private final ObserverSet observers;
    private final PluginReloads reloads;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Manifest manifest;
    private volatile String lastReloadError;
    private final AtomicLong reloadsOk = new AtomicLong();
    private final AtomicLong reloadsFailed = new AtomicLong();
    private final ModelStatus status;
    private final Registration statusLane;
    private final ReloadHistory history = new ReloadHistory(Clock.systemUTC());

    private Monitor(Manifest manifest, PluginHost plugins, PrometheusRegistry registry, EventBus bus,
                    ObserverSet observers, ModelStatus status, Registration statusLane) {
        this.manifest = manifest;
        this.plugins = plugins;
        this.registry = registry;
        this.bus = bus;
        this.observers = observers;
        this.status = status;
        this.statusLane = statusLane;
        this.reloads = new PluginReloads(plugins, observers, history);
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
            plugins.pin(manifest.pins());
            ExtensionCatalog catalog = loadPlugins(plugins, manifest);
            PrometheusRegistry registry = new PrometheusRegistry();
            EventBus bus = new EventBus();
            ModelStatus status = new ModelStatus(manifest.status());
            Registration statusLane = bus.register("status", EventFilter.ALL, new StatusRecorder(status),
                    StatusRecorder.LANE);
            ObserverSet observers;
            try {
                observers = ObserverSet.start(manifest, catalog, bus, new PluginMetrics(registry), plugins::current,
                        status);
            } catch (ManifestException | RuntimeException | Error e) {
                statusLane.close();
                throw e;
            }
            return new Monitor(manifest, plugins, registry, bus, observers, status, statusLane);
        } catch (ManifestException | RuntimeException | Error e) {
            plugins.close();
            throw e;
        }
    }

    /** Loads the manifest's plugins folder into {@code plugins}. */
    public static ExtensionCatalog loadPlugins(PluginHost plugins, Manifest manifest) throws ManifestException {
        Path dir = manifest.pluginsDir();
        if (!Files.isDirectory(dir)) {
            throw new ManifestException(manifest.problem("plugins.dir", dir + " is not a folder"));
        }
        try {
            return plugins.loadFolder(dir);
        } catch (IOException e) {
            throw new ManifestException(manifest.problem("plugins.dir", "cannot list " + dir + ": " + e.getMessage()));
        }
    }

    /** The bus to emit events on. */
    public EventBus bus() {
        return bus;
    }

    /** The registry of the metrics the observers publish; the host's own telemetry joins it. */
    public PrometheusRegistry metricsRegistry() {
        return registry;
    }

    /** Each model version's health, series and last values. */
    public ModelStatus status() {
        return status;
    }

    /** The host's status lane's counters (its drops show there). */
    public ObserverStats statusLaneStats() {
        return statusLane.stats();
    }

    /** The recent reloads and the last failed jar reload. */
    public ReloadHistory reloadHistory() {
        return history;
    }

    /** The manifest this host runs now. */
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public long reloads(boolean ok) {
        return ok ? reloadsOk.get() : reloadsFailed.get();
    }

    @Override
    public Map<String, ObserverStats> observerStats() {
        return observers.stats();
    }

    @Override
    public int pluginsLoaded() {
        return plugins.catalog().plugins().size();
    }

    @Override
    public int pluginsFailed() {
        return plugins.catalog().problems().size();
    }

    /** Records that the manifest file cannot be read now (deleted, say): {@code /healthz} shows it. */
    public void manifestUnreadable(String problem) {
        lastReloadError = problem;
        reloadsFailed.incrementAndGet();
        history.record(ReloadHistory.Kind.MANIFEST, false, manifest.file().toString(), problem);
        LOG.error("reload: {}; keeping the running configuration until it can be read", problem);
    }

    /** Why the last manifest reload was rejected, or null if it was applied (or none was tried). */
    public String lastReloadError() {
        return lastReloadError;
    }

    /** What the plugins folder provides now, and what failed to load. */
    public ExtensionCatalog catalog() {
        return plugins.catalog();
    }

    /** The SHA-256 of the running jar of plugin {@code id}, if it runs. */
    public Optional<String> pluginDigest(String id) throws IOException {
        return plugins.loadedDigest(id);
    }

    /** Enabled observers waiting for a plugin that provides their type: name to type. */
    public Map<String, String> waitingObservers() {
        return observers.waiting();
    }

    /** The names of the running observers. */
    public List<String> observerNames() {
        return observers.names();
    }

    /**
     * Reads the manifest file again and applies the difference: added, removed, changed and
     * re-enabled observers; unchanged ones keep their instance and state. An invalid manifest is
     * rejected with the same message as at start-up and the running configuration is kept.
     *
     * @return whether the new manifest was applied
     */
    public synchronized boolean reloadManifest() {
        Manifest next;
        try {
            next = new ManifestLoader().load(manifest.file());
            if (!next.pluginsDir().equals(manifest.pluginsDir())) {
                throw new ManifestException(next.problem("plugins.dir", "cannot change while running ("
                        + manifest.pluginsDir() + " -> " + next.pluginsDir() + "); restart the host"));
            }
            if (!HttpIngestSpec.sameListener(manifest.http(), next.http())) {
                String where = next.http().map(HttpIngestSpec::where).orElse(next.file().toString());
                throw new ManifestException(where + ": http (or ingest.http): cannot change while running; "
                        + "restart the host");
            }
            if (!manifest.status().equals(next.status())) {
                throw new ManifestException(next.file() + ": status: cannot change while running; restart the host");
            }
            if (!manifest.alerts().equals(next.alerts())) {
                throw new ManifestException(next.file() + ": alerts: cannot change while running; restart the host");
            }
            if (!KafkaIngestSpec.sameStream(manifest.kafka(), next.kafka())) {
                String where = next.kafka().map(KafkaIngestSpec::where).orElse(next.file().toString());
                throw new ManifestException(where + ": ingest.kafka: cannot change while running; restart the host");
            }
            Map<PluginInfo, Path> repinned = repinned(next);
            applyPins(next, repinned);
            String changes;
            try {
                changes = observers.apply(next, plugins.catalog());
            } catch (ManifestException e) {
                if (repinned.isEmpty()) {
                    throw e;
                }
                throw new ManifestException(e.getMessage() + System.lineSeparator() + "(plugins.verify was applied: "
                        + repinned.keySet().stream().map(PluginInfo::id).collect(Collectors.joining(", "))
                        + " upgraded to the pinned jar)");
            }
            manifest = next;
            status.retainObservers(observers.names());
            // State first, log line last: whoever reads the line finds /healthz and the counters agreeing.
            lastReloadError = null;
            reloadsOk.incrementAndGet();
            history.record(ReloadHistory.Kind.MANIFEST, true, next.file().toString(),
                    changes.isEmpty() ? "no observer changed" : changes);
            startWaiting();
            LOG.info("reload: manifest {}: {}", next.file(), changes.isEmpty() ? "no observer changed" : changes);
            return true;
        } catch (ManifestException e) {
            lastReloadError = e.getMessage();
            reloadsFailed.incrementAndGet();
            history.record(ReloadHistory.Kind.MANIFEST, false, manifest.file().toString(), e.getMessage());
            LOG.error("reload: rejected {}; keeping the running configuration:{}{}", manifest.file(),
                    System.lineSeparator(), e.getMessage());
            startWaiting(); // a pinned jar that loaded before the rejection may provide a waiting type
            return false;
        }
    }

    /**
     * Makes {@code next}'s pins the ones jars are checked against, replaces the plugins
     * {@link #repinned} found, and loads the pinned jars that were refused before and match now.
     * A replacement that cannot be loaded falls back to the running version: then that plugin's old
     * pin is restored and the reload is rejected (another replacement in the same edit that did
     * load stays, with its new pin).
     */
    private void applyPins(Manifest next, Map<PluginInfo, Path> repinned) throws ManifestException {
        plugins.pin(next.pins());
        List<String> problems = new ArrayList<>();
        Map<String, String> inForce = new HashMap<>(next.pins());
        for (Map.Entry<PluginInfo, Path> upgrade : repinned.entrySet()) {
            String id = upgrade.getKey().id();
            // The new jar loads only if it matches its pin (set above); when it does not load,
            // the old version runs on, and so does its old pin (or none).
            if (!replace(upgrade.getKey(), upgrade.getValue())) {
                if (manifest.pins().containsKey(id)) {
                    inForce.put(id, manifest.pins().get(id));
                } else {
                    inForce.remove(id);
                }
                String jar = upgrade.getValue().getFileName().toString();
                String why = plugins.catalog().problems().stream().filter(p -> p.jar().equals(jar))
                        .map(PluginProblem::reason).findFirst().orElse("see the log");
                problems.add(next.problem("plugins.verify." + id, jar
                        + " matches the pin but cannot be loaded: " + why + "; " + id + " "
                        + upgrade.getKey().version() + " keeps running"));
            }
        }
        if (!problems.isEmpty()) {
            plugins.pin(inForce);
            throw new ManifestException(problems);
        }
        for (Map.Entry<String, String> pin : next.pins().entrySet()) {
            boolean running = plugins.catalog().plugins().stream().anyMatch(p -> p.id().equals(pin.getKey()));
            if (!running) {
                Set<String> before = reloads.loadedIds();
                matchingJar(next.pluginsDir(), pin.getKey(), pin.getValue()).flatMap(plugins::load).ifPresent(info ->
                        LOG.info("reload: plugin {} {} matches its new pin ({})", info.id(), info.version(),
                                info.jar()));
                reloads.added(before);
            }
        }
    }

    /** The jar in {@code dir} of plugin {@code id} whose SHA-256 is {@code sha256}, if there is one. */
    private static Optional<Path> matchingJar(Path dir, String id, String sha256) {
        try {
            for (Path jar : PluginHost.jarsIn(dir)) {
                if (id.equals(PluginHost.pluginIdOf(jar).orElse(null)) && PluginHost.sha256(jar).equals(sha256)) {
                    return Optional.of(jar);
                }
            }
        } catch (IOException e) {
            LOG.warn("reload: cannot read {}: {}", dir, e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Checks the running plugins against the pins {@code next} adds or changes. A plugin whose jar
     * does not match its new pin is to be replaced by the folder's jar with its id that does (the
     * way to upgrade a pinned plugin: drop the new jar in, which is refused, then pin it).
     *
     * @return the plugins to replace, and by which jar
     * @throws ManifestException naming each plugin that neither matches nor has a matching jar
     */
    private Map<PluginInfo, Path> repinned(Manifest next) throws ManifestException {
        Map<PluginInfo, Path> replacements = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> pin : next.pins().entrySet()) {
            String id = pin.getKey();
            Optional<PluginInfo> running = plugins.catalog().plugins().stream()
                    .filter(plugin -> plugin.id().equals(id)).findFirst();
            if (running.isEmpty() || pin.getValue().equals(manifest.pins().get(id))) {
                continue;
            }
            try {
                String actual = plugins.loadedDigest(id).orElseThrow();
                if (actual.equals(pin.getValue())) {
                    continue;
                }
                Optional<Path> match = matchingJar(next.pluginsDir(), id, pin.getValue());
                if (match.isPresent()) {
                    replacements.put(running.get(), match.get());
                } else {
                    problems.add(next.problem("plugins.verify." + id, "the running " + running.get().jar()
                            + " has SHA-256 " + actual + ", not the pinned " + pin.getValue()
                            + ", and no jar of plugin " + id + " in " + next.pluginsDir() + " has that digest"));
                }
            } catch (IOException e) {
                problems.add(next.problem("plugins.verify." + id, "cannot read its jar: " + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ManifestException(problems);
        }
        return replacements;
    }

    /**
     * Applies changes to the plugins folder: jars {@code removed}, {@code added}, or {@code changed}
     * in place (by file name). A new jar with the Plugin-Id of a removed or changed one replaces
     * that plugin: its observers are held, stopped, and started again on the new version, with
     * the events emitted meanwhile; if the new version cannot be loaded, the last good one is.
     */
    public synchronized void jarsChanged(Set<String> removed, Set<String> added, Set<String> changed) {
        Path dir = manifest.pluginsDir();
        Set<String> before = reloads.loadedIds();
        List<Path> toLoad = new ArrayList<>();
        for (String jar : added) {
            toLoad.add(dir.resolve(jar));
        }
        for (String jar : changed) {
            toLoad.add(dir.resolve(jar));
        }
        // A jar changed in place replaces the plugin it held; a removed jar is replaced by an added
        // one with the same Plugin-Id; otherwise its plugin goes.
        for (String jar : union(removed, changed)) {
            Optional<PluginInfo> old = plugins.pluginFromJar(jar);
            plugins.forget(jar);
            if (old.isEmpty()) {
                continue;
            }
            Optional<Path> replacement = changed.contains(jar) ? Optional.of(dir.resolve(jar)) : toLoad.stream()
                    .filter(path -> old.get().id().equals(PluginHost.pluginIdOf(path).orElse(null))).findFirst()
                    .or(() -> plugins.refusedDuplicateOf(old.get().id()).map(dir::resolve));
            if (replacement.isPresent()) {
                toLoad.remove(replacement.get());
                if (!reloads.replace(old.get(), replacement.get())) {
                    reloadsFailed.incrementAndGet();
                }
            } else {
                reloads.remove(old.get());
            }
        }
        List<String> notLoaded = new ArrayList<>();
        for (Path jar : toLoad) {
            // A plugin still running from a file that is gone (its last good copy, after a failed
            // upgrade under a new file name) is replaced by a new jar with its id.
            Optional<PluginInfo> orphan = PluginHost.pluginIdOf(jar).flatMap(id -> plugins.catalog().plugins()
                    .stream().filter(p -> p.id().equals(id) && !Files.exists(dir.resolve(p.jar()))).findFirst());
            if (orphan.isPresent()) {
                if (!reloads.replace(orphan.get(), jar)) {
                    reloadsFailed.incrementAndGet();
                }
                continue;
            }
            if (plugins.load(jar).isEmpty()) {
                notLoaded.add(jar.getFileName().toString());
            }
        }
        reloads.added(before);
        // Only now: a jar that waited for a dependency in the same batch may have loaded with it.
        Set<String> running = plugins.catalog().plugins().stream().map(PluginInfo::jar).collect(Collectors.toSet());
        for (String name : notLoaded) {
            if (!running.contains(name)) {
                history.record(ReloadHistory.Kind.JAR, false, name, "not loaded: " + reloads.problemOf(name));
            }
        }
        reloadsOk.incrementAndGet();
        startWaiting();
    }

    /** Starts the observers waiting for a type that a loaded plugin now provides. */
    private void startWaiting() {
        List<String> started = observers.startWaiting(plugins.catalog());
        if (!started.isEmpty()) {
            LOG.info("reload: observers started: {}", String.join(", ", started));
        }
        reportWaiting();
    }

    /** Replaces a plugin by the one in {@code jar}; returns false if that failed and the old one was kept. */
    private boolean replace(PluginInfo old, Path jar) {
        Set<String> before = reloads.loadedIds();
        boolean replaced = reloads.replace(old, jar);
        reloads.added(before);
        return replaced;
    }

    /** What is loaded and running now, for a person: plugins, failures, observers and their counters. */
    public synchronized String state() {
        StringBuilder text = new StringBuilder("state of ").append(manifest.file()).append(':');
        ExtensionCatalog catalog = plugins.catalog();
        for (PluginInfo plugin : catalog.plugins()) {
            text.append("\n  plugin ").append(plugin.id()).append(' ').append(plugin.version())
                    .append(" (").append(plugin.jar()).append(')');
            if (!plugin.dependencies().isEmpty()) {
                text.append(", depends on ").append(plugin.dependencies().stream().map(Object::toString)
                        .collect(Collectors.joining(", ")));
            }
        }
        for (PluginProblem problem : catalog.problems()) {
            text.append("\n  plugin ").append(problem.waits() ? "WAITS " : "FAILED ").append(problem);
        }
        for (Map.Entry<String, ObserverStats> entry : observers.stats().entrySet()) {
            ObserverStats s = entry.getValue();
            text.append("\n  observer ").append(entry.getKey()).append(": received ").append(s.received())
                    .append(", delivered ").append(s.delivered()).append(", failed ").append(s.failed())
                    .append(", dropped ").append(s.droppedTotal()).append(", queued ").append(s.queued())
                    .append(s.paused() ? ", paused" : "");
        }
        observers.waiting().forEach((name, type) ->
                text.append("\n  observer ").append(name).append(": waiting for type ").append(type)
                        .append(observers.waitReason(name).map(reason -> " (" + reason + ")").orElse("")));
        return text.toString();
    }

    /** Stops every observer once (after draining its lane), then unloads the plugins. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            synchronized (this) {
                statusLane.close();
                observers.close();
                plugins.close();
            }
        }
    }

    private void reportWaiting() {
        Map<String, String> waiting = observers.waiting();
        if (!waiting.isEmpty()) {
            LOG.warn("reload: observers waiting for a plugin that provides their type: {}", waiting.entrySet()
                    .stream().map(e -> e.getKey() + " (" + e.getValue()
                            + observers.waitReason(e.getKey()).map(reason -> ": " + reason).orElse("") + ")")
                    .collect(Collectors.joining(", ")));
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
