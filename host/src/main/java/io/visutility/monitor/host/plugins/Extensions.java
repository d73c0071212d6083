package io.visutility.monitor.host.plugins;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.Observer;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.pf4j.PluginWrapper;

/**
 * What a started plugin's extension index lists, sorted by kind: observers and strategies under
 * their {@code @ExtensionType} names, and extensions of plugins' own extension points. Immutable.
 *
 * @param observers  the observer classes
 * @param strategies the strategy classes
 * @param others     the extensions of other extension points, named by class
 */
record Extensions(List<ExtensionClass<Observer>> observers, List<ExtensionClass<DriftStrategy>> strategies,
                  List<ExtensionClass<Object>> others) {

    Extensions {
        observers = List.copyOf(observers);
        strategies = List.copyOf(strategies);
        others = List.copyOf(others);
    }

    /**
     * Loads each listed class with the plugin's class loader and checks it can be created.
     *
     * @throws PluginJarException naming the first class that cannot be used
     */
    static Extensions of(PluginWrapper plugin, Set<String> classNames) throws PluginJarException {
        String pluginId = plugin.getPluginId();
        List<ExtensionClass<Observer>> observers = new ArrayList<>();
        List<ExtensionClass<DriftStrategy>> strategies = new ArrayList<>();
        List<ExtensionClass<Object>> others = new ArrayList<>();
        for (String className : new TreeSet<>(classNames)) {
            try {
                Class<?> type = plugin.getPluginClassLoader().loadClass(className);
                if (Observer.class.isAssignableFrom(type)) {
                    observers.add(new ExtensionClass<>(extensionName(type), pluginId, type.asSubclass(Observer.class)));
                } else if (DriftStrategy.class.isAssignableFrom(type)) {
                    strategies.add(new ExtensionClass<>(extensionName(type), pluginId,
                            type.asSubclass(DriftStrategy.class)));
                } else {
                    checkInstantiable(type);
                    others.add(new ExtensionClass<>(type.getName(), pluginId, type.asSubclass(Object.class)));
                }
            } catch (ClassNotFoundException | LinkageError e) {
                throw new PluginJarException("extension class " + className + " cannot be loaded: " + e);
            }
        }
        return new Extensions(observers, strategies, others);
    }

    private static String extensionName(Class<?> type) throws PluginJarException {
        ExtensionType name = type.getAnnotation(ExtensionType.class);
        if (name == null || name.value().isBlank()) {
            throw new PluginJarException("extension class " + type.getName() + " has no @ExtensionType name");
        }
        if (name.value().contains(":")) {
            throw new PluginJarException("extension class " + type.getName() + ": @ExtensionType '"
                    + name.value() + "' must not contain ':'");
        }
        checkInstantiable(type);
        return name.value();
    }

    private static void checkInstantiable(Class<?> type) throws PluginJarException {
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            throw new PluginJarException("extension class " + type.getName() + " must be public and concrete");
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new PluginJarException("extension class " + type.getName()
                    + " needs a public no-argument constructor");
        }
    }
}
