package io.visutility.monitor.host;

import io.visutility.monitor.host.observers.ObserverSet;
import io.visutility.monitor.host.plugins.ExtensionCatalog;
import io.visutility.monitor.host.plugins.PluginHost;
import io.visutility.monitor.host.plugins.PluginInfo;
import io.visutility.monitor.host.plugins.PluginProblem;
import io.visutility.monitor.host.reload.ReloadHistory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces, removes and adds plugins along their dependencies, holding or stopping the observers
 * that need them: a plugin's replacement reloads the plugins that depend on it (optionally too),
 * and the observers that need any of them, or looked up extensions one of them contributes, are
 * held and then resumed with the events held meanwhile. Each outcome is recorded in the reload
 * history ({@code GET /v1/reloads}).
 *
 * <p>Not thread-safe: {@link Monitor} calls it under its own lock, the one control path of PF4J.
 */
final class PluginReloads {

    private static final Logger LOG = LoggerFactory.getLogger("reload");

    private final PluginHost plugins;
    private final ObserverSet observers;
    private final ReloadHistory history;

    PluginReloads(PluginHost plugins, ObserverSet observers, ReloadHistory history) {
        this.plugins = plugins;
        this.observers = observers;
        this.history = history;
    }

    /** Why the jar {@code name} failed to load or waits, as the plugin catalog says. */
    String problemOf(String name) {
        return plugins.catalog().problems().stream().filter(p -> p.jar().equals(name)).map(PluginProblem::reason)
                .findFirst().orElse("see the log");
    }

    /** The ids of the loaded plugins. */
    Set<String> loadedIds() {
        return plugins.catalog().plugins().stream().map(PluginInfo::id).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Replaces a plugin by the one in {@code jar}, and reloads the plugins that depend on it.
     *
     * @return false if the new version could not be loaded and the last good one was kept
     */
    boolean replace(PluginInfo old, Path jar) {
        Set<String> affected = affected(old.id());
        Set<String> types = contributedTypes(affected);
        AtomicReference<Optional<PluginInfo>> loaded = new AtomicReference<>(Optional.empty());
        Map<String, Integer> held = observers.replacePlugins(affected, types, () -> {
            try {
                loaded.set(plugins.replace(old.id(), Optional.of(jar)));
            } catch (RuntimeException | LinkageError e) {
                LOG.error("reload: loading {} failed", jar.getFileName(), e);
            }
            return plugins.catalog();
        });
        String version = loaded.get().map(PluginInfo::version).orElse(old.version() + " (kept)");
        String jarName = jar.getFileName().toString();
        if (loaded.get().isPresent()) {
            history.record(ReloadHistory.Kind.JAR, true, jarName,
                    "plugin " + old.id() + " " + old.version() + " -> " + version);
        } else {
            String why = problemOf(jarName);
            history.record(ReloadHistory.Kind.JAR, false, jarName,
                    "not loaded: " + why + "; " + old.id() + " " + old.version() + " kept");
            LOG.error("reload: plugin {} from {} failed: {}; going back to {} {}", old.id(), jarName, why, old.id(),
                    old.version());
        }
        affected.remove(old.id());
        LOG.info("reload: plugin {} {} -> {}{}{}", old.id(), old.version(), version,
                affected.isEmpty() || loaded.get().isEmpty() ? ""
                        : ", plugins that depend on it reloaded: " + String.join(", ", affected),
                restarted(held));
        return loaded.get().isPresent();
    }

    /**
     * Removes a plugin whose jar is gone: the plugins that need it are unloaded too and wait for
     * it, and their observers stop, waiting with the reason; plugins that declare it optional
     * are reloaded without it.
     */
    void remove(PluginInfo old) {
        Set<String> gone = new TreeSet<>(plugins.dependentsOf(old.id(), false));
        Set<String> reloaded = new TreeSet<>(plugins.dependentsOf(old.id(), true));
        reloaded.removeAll(gone);
        gone.add(old.id());
        Set<String> types = contributedTypes(gone);
        // The plugin's own observers wait for their type, as ever; those of the plugins that need it
        // wait with the dependency named, since their own jar is still there.
        List<String> retired = new ArrayList<>(observers.retire(Set.of(old.id()), null));
        retired.addAll(observers.retire(gone, "needs plugin " + old.id() + " " + old.version() + " ("
                + old.jar() + "), which was removed"));
        Map<String, Integer> held = observers.replacePlugins(reloaded, types, () -> {
            plugins.replace(old.id(), Optional.empty());
            return plugins.catalog();
        });
        gone.remove(old.id());
        history.record(ReloadHistory.Kind.JAR, true, old.jar(), "plugin " + old.id() + " " + old.version() + " removed"
                + (gone.isEmpty() ? "" : "; plugins that need it wait for it: " + String.join(", ", gone)));
        LOG.info("reload: plugin {} {} removed ({}){}{}{}{}", old.id(), old.version(), old.jar(),
                gone.isEmpty() ? "" : ", plugins that need it wait for it: " + String.join(", ", gone),
                retired.isEmpty() ? "" : ", observers stopped: " + String.join(", ", retired),
                reloaded.isEmpty() ? "" : ", plugins reloaded without it: " + String.join(", ", reloaded),
                restarted(held));
    }

    /**
     * After jars were loaded: says which plugins were added (a waiting jar may have loaded with
     * them), reloads the plugins that declare one of them an optional dependency, and restarts
     * the observers that looked up extensions they contribute.
     */
    void added(Set<String> before) {
        Set<String> added = loadedIds();
        added.removeAll(before);
        if (added.isEmpty()) {
            return;
        }
        ExtensionCatalog catalog = plugins.catalog();
        for (PluginInfo plugin : catalog.plugins()) {
            if (added.contains(plugin.id())) {
                history.record(ReloadHistory.Kind.JAR, true, plugin.jar(),
                        "plugin " + plugin.id() + " " + plugin.version() + " added");
                LOG.info("reload: plugin {} {} added ({})", plugin.id(), plugin.version(), plugin.jar());
            }
        }
        Set<String> declarers = plugins.optionalDeclarersOf(added);
        Set<String> affected = new TreeSet<>(declarers);
        declarers.forEach(id -> affected.addAll(plugins.dependentsOf(id, false)));
        Set<String> types = contributedTypes(added);
        Map<String, Integer> held = observers.replacePlugins(affected, types, () -> {
            if (!declarers.isEmpty()) {
                plugins.reload(declarers);
            }
            return plugins.catalog();
        });
        if (!affected.isEmpty() || !held.isEmpty()) {
            LOG.info("reload: {} added{}{}", String.join(", ", added),
                    affected.isEmpty() ? "" : ", plugins that use it optionally reloaded: " + String.join(", ", affected),
                    restarted(held));
        }
    }

    /** A plugin and the loaded plugins a replacement of it reloads. */
    private Set<String> affected(String pluginId) {
        Set<String> affected = new TreeSet<>(plugins.dependentsOf(pluginId, true));
        affected.add(pluginId);
        return affected;
    }

    private Set<String> contributedTypes(Set<String> pluginIds) {
        ExtensionCatalog catalog = plugins.catalog();
        Set<String> types = new TreeSet<>();
        pluginIds.forEach(id -> types.addAll(catalog.contributedTypes(id)));
        return types;
    }

    private static String restarted(Map<String, Integer> held) {
        return held.isEmpty() ? "" : ", observers restarted: " + held.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + (e.getValue() == 1 ? " event" : " events") + " buffered)")
                .collect(Collectors.joining(", "));
    }
}
