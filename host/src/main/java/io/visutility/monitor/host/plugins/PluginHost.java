package io.visutility.monitor.host.plugins;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.Observer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipException;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginLoader;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the plugin jars of a folder with PF4J and catalogs their observer and strategy types.
 *
 * <p>Each jar is loaded from a copy in a private shadow folder, so the file in the plugins folder
 * can be replaced at any time. A jar that cannot be used (not a jar, no descriptor, a
 * {@code Plugin-Requires} this host does not meet, a duplicate id, a class that cannot be loaded)
 * is reported as a {@link PluginProblem} with its name and reason; the other jars still load.
 *
 * <p>Thread-safety: PF4J's {@link PluginManager} is not thread-safe, so every method here is
 * synchronized on this object; the {@link ExtensionCatalog} it returns is immutable.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private static final String EXTENSION_INDEX = "META-INF/extensions.idx";

    private final Path shadowDir;
    private final PluginManager manager;
    private final Map<String, String> loadedFrom = new HashMap<>();

    /**
     * @param hostVersion the version {@code Plugin-Requires} is checked against
     */
    public PluginHost(String hostVersion) {
        try {
            this.shadowDir = Files.createTempDirectory("visutility-plugins-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the plugin shadow folder", e);
        }
        this.manager = new JarPluginManager(shadowDir) {
            @Override
            protected PluginLoader createPluginLoader() {
                return new ApiFirstPluginLoader(this);
            }
        };
        manager.setSystemVersion(hostVersion);
    }

    /**
     * Loads and starts every {@code *.jar} in {@code pluginsDir}, in name order.
     *
     * @throws IOException if the folder cannot be listed
     */
    public synchronized ExtensionCatalog loadFolder(Path pluginsDir) throws IOException {
        List<PluginInfo> plugins = new ArrayList<>();
        List<PluginProblem> problems = new ArrayList<>();
        List<ExtensionClass<Observer>> observers = new ArrayList<>();
        List<ExtensionClass<DriftStrategy>> strategies = new ArrayList<>();
        for (Path jar : jarsIn(pluginsDir)) {
            String jarName = jar.getFileName().toString();
            PluginWrapper plugin;
            try {
                plugin = loadAndStart(jar);
            } catch (PluginJarException e) {
                problems.add(new PluginProblem(jarName, e.getMessage()));
                continue;
            }
            List<String> observerTypes = new ArrayList<>();
            List<String> strategyTypes = new ArrayList<>();
            for (String className : new TreeSet<>(manager.getExtensionClassNames(plugin.getPluginId()))) {
                try {
                    Class<?> type = plugin.getPluginClassLoader().loadClass(className);
                    String name = extensionName(type);
                    if (Observer.class.isAssignableFrom(type)) {
                        observers.add(new ExtensionClass<>(name, plugin.getPluginId(), type.asSubclass(Observer.class)));
                        observerTypes.add(name);
                    } else if (DriftStrategy.class.isAssignableFrom(type)) {
                        strategies.add(new ExtensionClass<>(name, plugin.getPluginId(),
                                type.asSubclass(DriftStrategy.class)));
                        strategyTypes.add(name);
                    } else {
                        LOG.debug("{}: extension {} is neither an Observer nor a DriftStrategy", jarName, className);
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    problems.add(new PluginProblem(jarName, "extension class " + className
                            + " cannot be loaded: " + e));
                } catch (PluginJarException e) {
                    problems.add(new PluginProblem(jarName, e.getMessage()));
                }
            }
            plugins.add(new PluginInfo(plugin.getPluginId(), plugin.getDescriptor().getVersion(), jarName,
                    observerTypes, strategyTypes));
        }
        for (PluginProblem problem : problems) {
            LOG.warn("plugin {} skipped: {}", problem.jar(), problem.reason());
        }
        return new ExtensionCatalog(plugins, problems, observers, strategies);
    }

    /** Stops and unloads every plugin and deletes the shadow folder. Idempotent. */
    @Override
    public synchronized void close() {
        // PF4J's unloadPlugins() iterates the list it removes from; unload from a copy instead.
        for (PluginWrapper plugin : List.copyOf(manager.getPlugins())) {
            manager.unloadPlugin(plugin.getPluginId());
        }
        loadedFrom.clear();
        try (Stream<Path> files = Files.walk(shadowDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.debug("cannot delete {}", shadowDir, e);
        }
    }

    private PluginWrapper loadAndStart(Path jar) throws PluginJarException {
        checkDescriptor(jar);
        Path shadow = shadowDir.resolve(jar.getFileName());
        String pluginId;
        try {
            Files.copy(jar, shadow, StandardCopyOption.REPLACE_EXISTING);
            pluginId = manager.loadPlugin(shadow);
        } catch (IOException | RuntimeException e) {
            throw new PluginJarException("cannot load: " + rootMessage(e));
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
                    + (cause == null ? "" : ": " + rootMessage(cause)));
        }
        loadedFrom.put(pluginId, jar.getFileName().toString());
        LOG.info("loaded plugin {} {} from {}", pluginId, plugin.getDescriptor().getVersion(), jar.getFileName());
        return plugin;
    }

    /** Checks what PF4J would otherwise report obscurely (or not at all): descriptor, index, duplicate id. */
    private void checkDescriptor(Path jar) throws PluginJarException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                throw new PluginJarException("not a plugin jar: no META-INF/MANIFEST.MF (needs Plugin-Id and Plugin-Version)");
            }
            for (String attribute : List.of("Plugin-Id", "Plugin-Version")) {
                String value = manifest.getMainAttributes().getValue(attribute);
                if (value == null || value.isBlank()) {
                    throw new PluginJarException("not a plugin jar: META-INF/MANIFEST.MF has no " + attribute);
                }
            }
            if (file.getEntry(EXTENSION_INDEX) == null) {
                throw new PluginJarException("no " + EXTENSION_INDEX + ", so no observers or strategies: PF4J's "
                        + "annotation processor did not run when the jar was built");
            }
            String pluginId = manifest.getMainAttributes().getValue("Plugin-Id").trim();
            String other = loadedFrom.get(pluginId);
            if (other != null) {
                throw new PluginJarException("plugin id '" + pluginId + "' is already loaded from " + other);
            }
        } catch (ZipException e) {
            throw new PluginJarException("not a valid jar file (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new PluginJarException("cannot read: " + e);
        }
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
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            throw new PluginJarException("extension class " + type.getName() + " must be public and concrete");
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new PluginJarException("extension class " + type.getName()
                    + " needs a public no-argument constructor");
        }
        return name.value();
    }

    private static List<Path> jarsIn(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    /** Why one jar or class cannot be used; stays inside this package. */
    private static final class PluginJarException extends Exception {
        PluginJarException(String message) {
            super(message);
        }
    }
}
