package io.visutility.monitor.host.plugins;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.VersionManager;

/**
 * Decisions over {@code Plugin-Dependencies}: whether a jar can load next to the loaded plugins,
 * why not (in one line), and which loaded plugins a reload or removal takes along. Stateless.
 *
 * <p>Rules: every required dependency must be loaded in a version its range accepts; an optional
 * one may be absent, but if it is loaded its version must be in range too (PF4J's class loader
 * delegates to it either way).
 */
final class DependencyGraph {

    private DependencyGraph() {
    }

    /** A jar that waits: what it waits for, and why, in one line. */
    record Wait(List<String> pluginIds, String reason) {
    }

    /**
     * Whether {@code jar} cannot load next to {@code loaded} (id to plugin), and why.
     *
     * @param waiting the other jars that wait, by plugin id, to tell a cycle or a waiting
     *                dependency from a missing one
     */
    static Optional<Wait> check(JarDescriptor jar, Map<String, PluginInfo> loaded,
                                Map<String, JarDescriptor> waiting, Map<String, String> waitingJars,
                                VersionManager versions) {
        for (PluginDependency dependency : jar.dependencies()) {
            PluginInfo there = loaded.get(dependency.pluginId());
            String wants = "plugin " + jar.id() + " " + jar.version() + " waits for " + dependency.pluginId() + " "
                    + dependency.range() + (dependency.optional() ? " (optional)" : "") + ": ";
            if (there != null) {
                if (!dependency.accepts(there.version(), versions)) {
                    return Optional.of(new Wait(List.of(dependency.pluginId()), wants + dependency.pluginId() + " "
                            + there.version() + " is loaded (" + there.jar() + ")"));
                }
                continue;
            }
            if (dependency.optional()) {
                continue;
            }
            Optional<List<String>> cycle = cycle(jar.id(), waiting);
            if (cycle.isPresent()) {
                return Optional.of(new Wait(List.of(dependency.pluginId()), "plugin " + jar.id() + " " + jar.version()
                        + " is in a dependency cycle: " + String.join(" -> ", cycle.get())
                        + " (Plugin-Dependencies); none of them can load"));
            }
            JarDescriptor other = waiting.get(dependency.pluginId());
            String what = other == null ? "no plugin " + dependency.pluginId() + " is in the plugins folder"
                    : dependency.pluginId() + " " + other.version() + " (" + waitingJars.get(dependency.pluginId())
                            + ") cannot load either";
            return Optional.of(new Wait(List.of(dependency.pluginId()), wants + what));
        }
        return Optional.empty();
    }

    /** Whether an optional dependency of {@code jar} is among the jars that wait (then load it first). */
    static boolean optionalWaits(JarDescriptor jar, Map<String, JarDescriptor> waiting) {
        return jar.dependencies().stream().anyMatch(d -> d.optional() && waiting.containsKey(d.pluginId()));
    }

    /** A path of required dependencies from {@code start} back to itself through waiting jars. */
    private static Optional<List<String>> cycle(String start, Map<String, JarDescriptor> waiting) {
        List<String> path = new ArrayList<>();
        path.add(start);
        return walk(start, start, waiting, path, new LinkedHashSet<>());
    }

    private static Optional<List<String>> walk(String start, String at, Map<String, JarDescriptor> waiting,
                                               List<String> path, Set<String> seen) {
        JarDescriptor jar = waiting.get(at);
        if (jar == null || !seen.add(at)) {
            return Optional.empty();
        }
        for (PluginDependency dependency : jar.required()) {
            path.add(dependency.pluginId());
            if (dependency.pluginId().equals(start)) {
                return Optional.of(List.copyOf(path));
            }
            Optional<List<String>> found = walk(start, dependency.pluginId(), waiting, path, seen);
            if (found.isPresent()) {
                return found;
            }
            path.remove(path.size() - 1);
        }
        return Optional.empty();
    }

    /**
     * The loaded plugins that need any of {@code ids}, directly or through others: with
     * {@code optional}, also those that declare one of them optional. Excludes {@code ids}.
     */
    static Set<String> dependents(Collection<String> ids, Collection<PluginInfo> loaded, boolean optional) {
        Set<String> found = new LinkedHashSet<>(ids);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (PluginInfo plugin : loaded) {
                if (!found.contains(plugin.id()) && plugin.dependencies().stream()
                        .anyMatch(d -> (optional || !d.optional()) && found.contains(d.pluginId()))) {
                    found.add(plugin.id());
                    grew = true;
                }
            }
        }
        found.removeAll(ids);
        return found;
    }

    /**
     * {@code ids} in an order where each comes after what it depends on (required or optional)
     * among them; ties, and a cycle of optional dependencies, keep {@code loaded}'s order.
     */
    static List<String> dependencyOrder(Set<String> ids, Collection<PluginInfo> loaded) {
        List<PluginInfo> left = new ArrayList<>(loaded.stream().filter(p -> ids.contains(p.id())).toList());
        List<String> ordered = new ArrayList<>();
        while (!left.isEmpty()) {
            PluginInfo next = left.stream().filter(p -> p.dependencies().stream().noneMatch(d ->
                    left.stream().anyMatch(o -> o != p && o.id().equals(d.pluginId())))).findFirst().orElse(left.get(0));
            left.remove(next);
            ordered.add(next.id());
        }
        return ordered;
    }
}
