package io.visutility.monitor.host.plugins;

import java.util.List;

/**
 * A plugin that loaded and started.
 *
 * @param id             {@code Plugin-Id}
 * @param version        {@code Plugin-Version}
 * @param jar            the jar's file name in the plugins folder
 * @param observerTypes  the observer types it provides
 * @param strategyTypes  the strategy types it provides
 * @param dependencies   its {@code Plugin-Dependencies}, in the order written
 */
public record PluginInfo(String id, String version, String jar, List<String> observerTypes,
                         List<String> strategyTypes, List<PluginDependency> dependencies) {

    public PluginInfo {
        observerTypes = List.copyOf(observerTypes);
        strategyTypes = List.copyOf(strategyTypes);
        dependencies = List.copyOf(dependencies);
    }

    /** A plugin that depends on no other. */
    public PluginInfo(String id, String version, String jar, List<String> observerTypes, List<String> strategyTypes) {
        this(id, version, jar, observerTypes, strategyTypes, List.of());
    }
}
