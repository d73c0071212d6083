package io.visutility.monitor.host.plugins;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.Observer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
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
 * <p>Each jar is loaded from a numbered copy in a private shadow folder, so the file in the plugins
 * folder can be replaced at any time, and a replaced plugin's last good copy can be loaded again. A jar that cannot be used (not a jar, no descriptor, a
 * {@code Plugin-Requires} this host does not meet, a duplicate id, a class that cannot be loaded)
 * is reported as a {@link PluginProblem} with its name and reason; the other jars still load.
 *
 * <p>Thread-safety: PF4J's {@link PluginManager} is not thread-safe, so every method here is
 * synchronized on this object; the {@link ExtensionCatalog} it returns is immutable.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private static final String EXTENSION_INDEX = "META-INF/extensions.idx";

    private static final Pattern PLUGIN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** Numbers separated by dots, with an optional qualifier: what PF4J and people write. */
    private static final Pattern PLUGIN_VERSION = Pattern.compile("\\d+(\\.\\d+)*([-+][0-9A-Za-z.+-]+)?");

    private final Path shadowDir;
    private final PluginManager manager;
    private final Map<String, Loaded> loaded = new HashMap<>();
    private final Map<String, PluginProblem> problems = new TreeMap<>();
    /** Jars refused only because a jar with their Plugin-Id was loaded: jar name to that id. */
    private final Map<String, String> refusedDuplicates = new TreeMap<>();
    private Map<String, String> pins = Map.of();
    private long shadowCount;

    /** A started plugin: what it provides and the copy it was loaded from. */
    private record Loaded(PluginInfo info, Path shadow, List<ExtensionClass<Observer>> observers,
                          List<ExtensionClass<DriftStrategy>> strategies) {
    }

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
     * Sets the SHA-256 (lower-case hex) each plugin id's jar must have; a jar whose digest differs
     * is refused from then on. Plugins without a pin are not checked.
     */
    public synchronized void pin(Map<String, String> sha256ByPluginId) {
        pins = Map.copyOf(sha256ByPluginId);
    }

    /**
     * Loads and starts every {@code *.jar} in {@code pluginsDir}, in name order.
     *
     * @throws IOException if the folder cannot be listed
     */
    public synchronized ExtensionCatalog loadFolder(Path pluginsDir) throws IOException {
        for (Path jar : jarsIn(pluginsDir)) {
            load(jar);
        }
        return catalog();
    }

    /**
     * Loads and starts one jar, from a copy in the shadow folder. A jar that cannot be used is
     * recorded as a {@link PluginProblem} (see {@link #catalog()}) and logged, not thrown.
     *
     * @return the plugin, if it loaded
     */
    public synchronized Optional<PluginInfo> load(Path jar) {
        String jarName = jar.getFileName().toString();
        forget(jarName);
        Path shadow = shadowDir.resolve((++shadowCount) + "-" + jarName);
        try {
            String pluginId = checkDescriptor(jar);
            Files.copy(jar, shadow, StandardCopyOption.REPLACE_EXISTING);
            checkPin(shadow, pluginId); // the copy is what gets loaded, so that is what is verified
        } catch (PluginJarException e) {
            deleteQuietly(shadow);
            return failed(jarName, e.getMessage());
        } catch (IOException e) {
            return failed(jarName, "cannot copy: " + e.getMessage());
        }
        return loadShadow(shadow, jarName);
    }

    /**
     * Loads a jar that is already in the shadow folder: a replaced plugin's last good copy, when its
     * replacement failed.
     */
    public synchronized Optional<PluginInfo> loadShadow(Path shadow, String jarName) {
        PluginWrapper plugin;
        try {
            plugin = loadAndStart(shadow);
        } catch (PluginJarException e) {
            deleteQuietly(shadow);
            return failed(jarName, e.getMessage());
        }
        String pluginId = plugin.getPluginId();
        List<String> observerTypes = new ArrayList<>();
        List<String> strategyTypes = new ArrayList<>();
        List<ExtensionClass<Observer>> observers = new ArrayList<>();
        List<ExtensionClass<DriftStrategy>> strategies = new ArrayList<>();
        for (String className : new TreeSet<>(manager.getExtensionClassNames(pluginId))) {
            try {
                Class<?> type = plugin.getPluginClassLoader().loadClass(className);
                String name = extensionName(type);
                if (Observer.class.isAssignableFrom(type)) {
                    observers.add(new ExtensionClass<>(name, pluginId, type.asSubclass(Observer.class)));
                    observerTypes.add(name);
                } else if (DriftStrategy.class.isAssignableFrom(type)) {
                    strategies.add(new ExtensionClass<>(name, pluginId, type.asSubclass(DriftStrategy.class)));
                    strategyTypes.add(name);
                } else {
                    LOG.debug("{}: extension {} is neither an Observer nor a DriftStrategy", jarName, className);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                return discard(plugin, shadow, jarName, "extension class " + className + " cannot be loaded: " + e);
            } catch (PluginJarException e) {
                return discard(plugin, shadow, jarName, e.getMessage());
            }
        }
        PluginInfo info = new PluginInfo(pluginId, plugin.getDescriptor().getVersion(), jarName, observerTypes,
                strategyTypes);
        loaded.put(pluginId, new Loaded(info, shadow, observers, strategies));
        LOG.info("loaded plugin {} {} from {}", pluginId, info.version(), jarName);
        return Optional.of(info);
    }

    /**
     * Stops and unloads a plugin; its class loader is closed and, once nothing else holds its
     * classes, collected.
     *
     * @param keepShadow keep its shadow copy, to fall back to with {@link #loadShadow}
     * @return the shadow copy it was loaded from, if it was loaded
     */
    public synchronized Optional<Path> unload(String pluginId, boolean keepShadow) {
        Loaded plugin = loaded.remove(pluginId);
        if (plugin == null) {
            return Optional.empty();
        }
        manager.stopPlugin(pluginId);
        manager.unloadPlugin(pluginId);
        if (!keepShadow) {
            deleteQuietly(plugin.shadow());
        }
        LOG.info("unloaded plugin {} {} ({})", pluginId, plugin.info().version(), plugin.info().jar());
        return Optional.of(plugin.shadow());
    }

    /** Deletes a shadow copy kept by {@link #unload} that is no longer needed. */
    public synchronized void discardShadow(Path shadow) {
        deleteQuietly(shadow);
    }

    /** The plugin loaded from the jar called {@code jarName}, if any. */
    public synchronized Optional<PluginInfo> pluginFromJar(String jarName) {
        return loaded.values().stream().map(Loaded::info).filter(info -> info.jar().equals(jarName)).findFirst();
    }

    /** Forgets a problem recorded for a jar that is gone. */
    public synchronized void forget(String jarName) {
        problems.remove(jarName);
        refusedDuplicates.remove(jarName);
    }

    /**
     * The first jar (by name) in the folder refused only because plugin {@code pluginId} was
     * already loaded: the one that start-up would load if that plugin's jar were not there.
     */
    public synchronized Optional<String> refusedDuplicateOf(String pluginId) {
        return refusedDuplicates.entrySet().stream().filter(e -> e.getValue().equals(pluginId))
                .map(Map.Entry::getKey).findFirst();
    }

    /** What is loaded now, and what failed. */
    public synchronized ExtensionCatalog catalog() {
        List<ExtensionClass<Observer>> observers = new ArrayList<>();
        List<ExtensionClass<DriftStrategy>> strategies = new ArrayList<>();
        List<PluginInfo> plugins = new ArrayList<>();
        loaded.values().stream().sorted(Comparator.comparing(l -> l.info().jar())).forEach(l -> {
            plugins.add(l.info());
            observers.addAll(l.observers());
            strategies.addAll(l.strategies());
        });
        return new ExtensionCatalog(plugins, List.copyOf(problems.values()), observers, strategies);
    }

    /** Unloads a plugin that started but cannot be used as a whole: a skipped jar keeps nothing loaded. */
    private Optional<PluginInfo> discard(PluginWrapper plugin, Path shadow, String jarName, String reason) {
        manager.stopPlugin(plugin.getPluginId());
        manager.unloadPlugin(plugin.getPluginId());
        deleteQuietly(shadow);
        return failed(jarName, reason);
    }

    private Optional<PluginInfo> failed(String jarName, String reason) {
        problems.put(jarName, new PluginProblem(jarName, reason));
        LOG.warn("plugin {} skipped: {}", jarName, reason);
        return Optional.empty();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", file, e);
        }
    }

    /** Stops and unloads every plugin and deletes the shadow folder. Idempotent. */
    @Override
    public synchronized void close() {
        // PF4J's unloadPlugins() iterates the list it removes from; unload one by one instead.
        for (String pluginId : List.copyOf(loaded.keySet())) {
            unload(pluginId, false);
        }
        try (Stream<Path> files = Files.walk(shadowDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.debug("cannot delete {}", shadowDir, e);
        }
    }

    private PluginWrapper loadAndStart(Path shadow) throws PluginJarException {
        String pluginId;
        try {
            pluginId = manager.loadPlugin(shadow);
        } catch (RuntimeException e) {
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
        return plugin;
    }

    private void checkPin(Path jar, String pluginId) throws PluginJarException, IOException {
        String expected = pins.get(pluginId);
        if (expected == null) {
            return;
        }
        String actual = sha256(jar);
        if (!actual.equals(expected)) {
            throw new PluginJarException("refused: its SHA-256 is " + actual + " but plugins.verify pins "
                    + expected + " for plugin " + pluginId);
        }
    }

    /** A file's SHA-256 in lower-case hex, as {@code sha256sum} prints it. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The SHA-256 of the jar a loaded plugin runs from (its shadow copy), if it is loaded. */
    public synchronized Optional<String> loadedDigest(String pluginId) throws IOException {
        Loaded plugin = loaded.get(pluginId);
        return plugin == null ? Optional.empty() : Optional.of(sha256(plugin.shadow()));
    }

    /** The Plugin-Id in a jar's manifest, if it is a readable jar that has one. */
    public static Optional<String> pluginIdOf(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            return Optional.ofNullable(manifest == null ? null : manifest.getMainAttributes().getValue("Plugin-Id"))
                    .map(String::trim);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Checks what PF4J would otherwise report obscurely (or not at all): descriptor, index, duplicate
     * id; returns the Plugin-Id.
     */
    private String checkDescriptor(Path jar) throws PluginJarException {
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
            checkAttributes(manifest);
            checkPluginClass(file, manifest.getMainAttributes().getValue("Plugin-Class"));
            if (file.getEntry(EXTENSION_INDEX) == null) {
                throw new PluginJarException("no " + EXTENSION_INDEX + ", so no observers or strategies: PF4J's "
                        + "annotation processor did not run when the jar was built");
            }
            String pluginId = manifest.getMainAttributes().getValue("Plugin-Id").trim();
            Loaded other = loaded.get(pluginId);
            if (other != null) {
                refusedDuplicates.put(jar.getFileName().toString(), pluginId);
                throw new PluginJarException("plugin id '" + pluginId + "' is already loaded from "
                        + other.info().jar());
            }
            return pluginId;
        } catch (ZipException e) {
            throw new PluginJarException("not a valid jar file (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new PluginJarException("cannot read: " + e);
        }
    }

    /**
     * A Plugin-Class PF4J cannot load makes it log two stack traces before it fails: say it in one
     * line instead. PF4J reads the value as written, spaces included, and loads it from the jar or
     * from the host (its parent class loader).
     */
    private static void checkPluginClass(JarFile file, String pluginClass) throws PluginJarException {
        if (pluginClass == null || pluginClass.isEmpty()) {
            return; // PF4J's default plugin class
        }
        if (pluginClass.isBlank() || !pluginClass.equals(pluginClass.strip())) {
            throw new PluginJarException("Plugin-Class '" + pluginClass + "' is not a class name");
        }
        if (file.getEntry(pluginClass.replace('.', '/') + ".class") == null
                && PluginHost.class.getClassLoader().getResource(pluginClass.replace('.', '/') + ".class") == null) {
            throw new PluginJarException("Plugin-Class " + pluginClass + " is not in the jar");
        }
    }

    /** Id, version and version range in forms PF4J, the shadow folder and log lines can take. */
    private void checkAttributes(Manifest manifest) throws PluginJarException {
        String id = manifest.getMainAttributes().getValue("Plugin-Id").trim();
        if (!PLUGIN_ID.matcher(id).matches()) {
            throw new PluginJarException("Plugin-Id '" + id + "' may only hold letters, digits, '.', '_' and '-'");
        }
        String version = manifest.getMainAttributes().getValue("Plugin-Version").trim();
        if (!PLUGIN_VERSION.matcher(version).matches()) {
            throw new PluginJarException("Plugin-Version '" + version + "' is not a version such as 1.2.0 or 1.2");
        }
        String requires = manifest.getMainAttributes().getValue("Plugin-Requires");
        if (requires != null) {
            try {
                manager.getVersionManager().checkVersionConstraint(manager.getSystemVersion(), requires.trim());
            } catch (RuntimeException e) {
                throw new PluginJarException("Plugin-Requires '" + requires.trim()
                        + "' is not a version range such as >=0.1.0 & <1.0.0: " + rootMessage(e));
            }
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

    /**
     * Whether a file of the plugins folder is a plugin jar: {@code *.jar}, not hidden. A name that
     * starts with {@code .} is a copy in progress ({@code cp x.jar .x.jar.tmp && mv}) or a leftover.
     */
    public static boolean isPluginJarName(String fileName) {
        return fileName.endsWith(".jar") && !fileName.startsWith(".");
    }

    /** The plugin jars in {@code dir} (see {@link #isPluginJarName}), in name order. */
    public static List<Path> jarsIn(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> isPluginJarName(p.getFileName().toString()) && Files.isRegularFile(p))
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
