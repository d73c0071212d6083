package io.visutility.monitor.host.plugins;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.Observer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The observer and strategy types the loaded plugins provide, by {@code @ExtensionType} name, and
 * what failed to load. Immutable and thread-safe.
 *
 * <p>A type is found by its plain name when one plugin provides it, and always by
 * {@code plugin-id:name}.
 */
public final class ExtensionCatalog {

    private final List<PluginInfo> plugins;
    private final List<PluginProblem> problems;
    private final List<ExtensionClass<Observer>> observers;
    private final List<ExtensionClass<DriftStrategy>> strategies;

    ExtensionCatalog(List<PluginInfo> plugins, List<PluginProblem> problems,
                     List<ExtensionClass<Observer>> observers,
                     List<ExtensionClass<DriftStrategy>> strategies) {
        this.plugins = List.copyOf(plugins);
        this.problems = List.copyOf(problems);
        this.observers = List.copyOf(observers);
        this.strategies = List.copyOf(strategies);
    }

    /** The plugins that loaded, in jar name order. */
    public List<PluginInfo> plugins() {
        return plugins;
    }

    /** The jars or classes that could not be used, in jar name order. */
    public List<PluginProblem> problems() {
        return problems;
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
                + (problems.isEmpty() ? "" : " (plugins that failed to load: "
                        + problems.stream().map(PluginProblem::jar).distinct().collect(Collectors.joining(", ")) + ")"));
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
