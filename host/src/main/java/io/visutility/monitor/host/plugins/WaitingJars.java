package io.visutility.monitor.host.plugins;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pf4j.VersionManager;

/**
 * The jars of the plugins folder that wait for their {@code Plugin-Dependencies}, by jar name:
 * which of them can load next, and why each of the others waits.
 *
 * <p>Not thread-safe: {@link PluginHost} uses it under its own lock.
 */
final class WaitingJars {

    /** A waiting jar: where it is, and what it declares. */
    record Waiter(Path jar, JarDescriptor descriptor) {
    }

    private final Map<String, Waiter> byJar = new TreeMap<>();

    void put(String jarName, Path jar, JarDescriptor descriptor) {
        byJar.put(jarName, new Waiter(jar, descriptor));
    }

    /** Stops a jar waiting; returns it, if it waited. */
    Waiter remove(String jarName) {
        return byJar.remove(jarName);
    }

    void clear() {
        byJar.clear();
    }

    /**
     * The first jar by name that can load next to {@code loaded} (id to plugin): its dependencies
     * loaded in range. A jar whose optional dependency waits too comes after any jar that can load
     * without that preference. A jar that replaces the plugin running under its own name (its last
     * good copy) is left waiting.
     */
    Optional<String> next(Map<String, PluginInfo> loaded, VersionManager versions) {
        Map<String, JarDescriptor> byId = byId();
        for (boolean optionalFirst : new boolean[] {true, false}) {
            for (Map.Entry<String, Waiter> entry : byJar.entrySet()) {
                JarDescriptor descriptor = entry.getValue().descriptor();
                PluginInfo running = loaded.get(descriptor.id());
                if (running != null && running.jar().equals(entry.getKey())) {
                    continue;
                }
                Map<String, JarDescriptor> others = new HashMap<>(byId);
                others.remove(descriptor.id());
                if (DependencyGraph.check(descriptor, loaded, byId, Map.of(), versions).isEmpty()
                        && !(optionalFirst && DependencyGraph.optionalWaits(descriptor, others))) {
                    return Optional.of(entry.getKey());
                }
            }
        }
        return Optional.empty();
    }

    /** Why each waiting jar waits, by jar name, in name order. */
    Map<String, DependencyGraph.Wait> reasons(Map<String, PluginInfo> loaded, VersionManager versions) {
        Map<String, JarDescriptor> byId = byId();
        Map<String, String> jarsById = new HashMap<>();
        byJar.forEach((jar, waiter) -> jarsById.putIfAbsent(waiter.descriptor().id(), jar));
        Map<String, DependencyGraph.Wait> reasons = new LinkedHashMap<>();
        byJar.forEach((jar, waiter) -> DependencyGraph.check(waiter.descriptor(), loaded, byId, jarsById, versions)
                .ifPresent(wait -> reasons.put(jar, wait)));
        return reasons;
    }

    private Map<String, JarDescriptor> byId() {
        Map<String, JarDescriptor> byId = new HashMap<>();
        byJar.values().forEach(w -> byId.putIfAbsent(w.descriptor().id(), w.descriptor()));
        return byId;
    }
}
