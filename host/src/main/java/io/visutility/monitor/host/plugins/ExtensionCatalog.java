package io.visutility.monitor.host.plugins;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.Observer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The observer and strategy types the loaded plugins provide, by {@code @ExtensionType} name, the
 * extensions of the plugins' own extension points, what failed to load and what waits. Immutable
 * and thread-safe.
 *
 * <p>A type is found by its plain name when one plugin provides it, and always by
 * {@code plugin-id:name}.
 */
public final class ExtensionCatalog {

    private final List<PluginInfo> plugins;
    private final List<PluginProblem> problems;
    private final List<ExtensionClass<Observer>> observers;
    private final List<ExtensionClass<DriftStrategy>> strategies;
    /** Extensions of the plugins' own extension points: neither observers nor strategies. */
    private final List<ExtensionClass<Object>> extensions;

    ExtensionCatalog(List<PluginInfo> plugins, List<PluginProblem> problems,
                     List<ExtensionClass<Observer>> observers,
                     List<ExtensionClass<DriftStrategy>> strategies,
                     List<ExtensionClass<Object>> extensions) {
        this.plugins = List.copyOf(plugins);
        this.problems = List.copyOf(problems);
        this.observers = List.copyOf(observers);
        this.strategies = List.copyOf(strategies);
        this.extensions = List.copyOf(extensions);
    }

    /** The plugins that loaded, in jar name order. */
    public List<PluginInfo> plugins() {
        return plugins;
    }

    /** The jars or classes that could not be used, and the jars that wait for a dependency, in jar name order. */
    public List<PluginProblem> problems() {
        return problems;
    }

    /** The loaded plugins that declare {@code pluginId} in their {@code Plugin-Dependencies}, in jar name order. */
    public List<PluginInfo> dependentsOf(String pluginId) {
        return plugins.stream().filter(p -> p.dependencies().stream().anyMatch(d -> d.pluginId().equals(pluginId)))
                .toList();
    }

    /**
     * The extension classes of the loaded plugins that are a {@code type}: the type's own class,
     * as the caller's class loader sees it, so a plugin that sees another copy finds none.
     * Observers and strategies are not looked up this way (the manifest names them).
     */
    public <T> List<ExtensionClass<? extends T>> extensionsOf(Class<T> type) {
        List<ExtensionClass<? extends T>> found = new ArrayList<>();
        for (ExtensionClass<Object> extension : extensions) {
            if (type.isAssignableFrom(extension.implementation())) {
                found.add(new ExtensionClass<>(extension.type(), extension.pluginId(),
                        extension.implementation().asSubclass(type)));
            }
        }
        return found;
    }

    /**
     * The names of the classes and interfaces that plugin {@code pluginId}'s extensions (other
     * than observers and strategies) are instances of: the types whose lookups it contributes to.
     */
    public Set<String> contributedTypes(String pluginId) {
        Set<String> types = new TreeSet<>();
        for (ExtensionClass<Object> extension : extensions) {
            if (extension.pluginId().equals(pluginId)) {
                addSupertypes(extension.implementation(), types);
            }
        }
        return types;
    }

    private static void addSupertypes(Class<?> type, Set<String> names) {
        if (type == null || type == Object.class || !names.add(type.getName())) {
            return;
        }
        addSupertypes(type.getSuperclass(), names);
        for (Class<?> implemented : type.getInterfaces()) {
            addSupertypes(implemented, names);
        }
    }

    /** The observer type called {@code name} ({@code type} or {@code plugin-id:type}). */
    public ExtensionClass<Observer> observer(String name) throws UnknownTypeException {
        return resolve("observer", observers, name);
    }

    /** The strategy type called {@code name} ({@code type} or {@code plugin-id:type}). */
    public ExtensionClass<DriftStrategy> strategy(String name) throws UnknownTypeException {
        return resolve("strategy", strategies, name);
    }

    private <T> ExtensionClass<T> resolve(String kind, List<ExtensionClass<T>> candidates, String name)
            throws UnknownTypeException {
        List<ExtensionClass<T>> matches = new ArrayList<>();
        for (ExtensionClass<T> candidate : candidates) {
            if (name.contains(":") ? candidate.qualifiedType().equals(name) : candidate.type().equals(name)) {
                matches.add(candidate);
            }
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.size() > 1) {
            throw new UnknownTypeException(kind + " type '" + name + "' is provided by several plugins; write one of: "
                    + matches.stream().map(ExtensionClass::qualifiedType).sorted().collect(Collectors.joining(", ")));
        }
        throw new UnknownTypeException("unknown " + kind + " type '" + name + "'; known: " + knownNames(candidates)
                + unusable());
    }

    /** The jars that failed or wait, for a type's "unknown" message: one of them may provide it. */
    private String unusable() {
        List<String> parts = new ArrayList<>();
        String failed = problems.stream().filter(p -> !p.waits()).map(PluginProblem::jar).distinct()
                .collect(Collectors.joining(", "));
        String waiting = problems.stream().filter(PluginProblem::waits).map(PluginProblem::jar).distinct()
                .collect(Collectors.joining(", "));
        if (!failed.isEmpty()) {
            parts.add("plugins that failed to load: " + failed);
        }
        if (!waiting.isEmpty()) {
            parts.add("plugins waiting for a dependency: " + waiting);
        }
        return parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
    }

    private static <T> String knownNames(List<ExtensionClass<T>> candidates) {
        Map<String, Long> counts = candidates.stream()
                .collect(Collectors.groupingBy(ExtensionClass::type, Collectors.counting()));
        TreeSet<String> names = new TreeSet<>();
        for (ExtensionClass<T> candidate : candidates) {
            names.add(counts.get(candidate.type()) > 1 ? candidate.qualifiedType() : candidate.type());
        }
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }
}
