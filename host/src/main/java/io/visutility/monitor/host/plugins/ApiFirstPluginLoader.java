package io.visutility.monitor.host.plugins;

import java.nio.file.Path;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * Loads plugin jars with a class loader that always takes the plugin API from the host.
 *
 * <p>A jar that carries its own copy of {@code io.visutility.monitor.api} would otherwise define
 * a second {@code Observer} type that the host cannot match.
 */
final class ApiFirstPluginLoader extends JarPluginLoader {

    private static final String API_PACKAGE = "io.visutility.monitor.api.";

    ApiFirstPluginLoader(PluginManager pluginManager) {
        super(pluginManager);
    }

    @Override
    protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
        return new PluginClassLoader(pluginManager, descriptor, getClass().getClassLoader()) {
            @Override
            protected boolean shouldDelegateToParent(String className) {
                return className.startsWith(API_PACKAGE) || super.shouldDelegateToParent(className);
            }
        };
    }
}
