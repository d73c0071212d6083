package io.visutility.monitor.host.plugins;

import java.nio.file.Path;
import java.util.Set;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginLoader;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.pf4j.VersionManager;

/**
 * The one PF4J {@link PluginManager} of a {@link PluginHost}: loads and starts one shadow copy,
 * stops and unloads one plugin, and turns PF4J's failures into one-line reasons. It never keeps a
 * plugin PF4J could not load or start, which would fail every later load.
 *
 * <p>Not thread-safe: PF4J's manager is not; {@link PluginHost} calls it under its own lock.
 */
final class PluginEngine {

    private final PluginManager manager;

    PluginEngine(Path shadowDir, String hostVersion) {
        this.manager = new JarPluginManager(shadowDir) {
            @Override
            protected PluginLoader createPluginLoader() {
                return new ApiFirstPluginLoader(this);
            }

            @Override
            protected VersionManager createVersionManager() {
                return new PluginVersions();
            }
        };
        manager.setSystemVersion(hostVersion);
    }

    /** The version ranges of Plugin-Requires and Plugin-Dependencies. */
    VersionManager versions() {
        return manager.getVersionManager();
    }

    /** Reads and checks a jar's descriptor against this host. */
    JarDescriptor read(Path jar) throws PluginJarException {
        return JarDescriptor.read(jar, manager.getVersionManager(), manager.getSystemVersion());
    }

    /** The class names a loaded plugin's extension index lists. */
    Set<String> extensionClassNames(String pluginId) {
        return manager.getExtensionClassNames(pluginId);
    }

    /** Loads and starts a shadow copy whose dependencies are loaded. */
    PluginWrapper loadAndStart(Path shadow) throws PluginJarException {
        String pluginId;
        try {
            pluginId = manager.loadPlugin(shadow);
        } catch (RuntimeException e) {
            // PF4J keeps a plugin it could not resolve, which would fail every later load: drop it.
            manager.getPlugins().stream().filter(p -> p.getPluginPath().equals(shadow)).findFirst()
                    .ifPresent(p -> manager.unloadPlugin(p.getPluginId()));
            throw new PluginJarException("cannot load: " + PluginHost.rootMessage(e));
        }
        PluginWrapper plugin = manager.getPlugin(pluginId);
        if (plugin.getPluginState() == PluginState.DISABLED) {
            String requires = plugin.getDescriptor().getRequires();
            manager.unloadPlugin(pluginId);
            throw new PluginJarException("plugin " + pluginId + " requires host version '" + requires
                    + "' (Plugin-Requires), this host is " + manager.getSystemVersion());
        }
        PluginState state = manager.startPlugin(pluginId);
        if (state != PluginState.STARTED) {
            Throwable cause = plugin.getFailedException();
            manager.unloadPlugin(pluginId);
            throw new PluginJarException("plugin " + pluginId + " did not start (" + state + ")"
                    + (cause == null ? "" : ": " + PluginHost.rootMessage(cause)));
        }
        return plugin;
    }

    /**
     * Stops and unloads a plugin and closes its class loader. The caller unloads the plugins that
     * need it first: PF4J would otherwise unload them behind its back.
     */
    void stopAndUnload(String pluginId) {
        manager.stopPlugin(pluginId);
        manager.unloadPlugin(pluginId);
    }
}
