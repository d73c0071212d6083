package io.visutility.monitor.host.plugins;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.Observer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the plugin jars of a folder with PF4J, in dependency order, and catalogs what they provide.
 *
 * <p>Each jar is loaded from a numbered copy in a private shadow folder, so the file in the plugins
 * folder can be replaced at any time, and a replaced plugin's last good copy can be loaded again. A jar that cannot be used (not a jar, no descriptor, a
 * {@code Plugin-Requires} this host does not meet, a duplicate id, a class that cannot be loaded)
 * is reported as a {@link PluginProblem} with its name and reason; the other jars still load.
 *
 * <p>A jar whose {@code Plugin-Dependencies} are not met (missing, of a version out of range, or in
 * a cycle) is never handed to PF4J, whose resolver would otherwise fail every later load: it
 * waits, reported as a {@link PluginProblem} that {@link PluginProblem#waits() waits}, and loads
 * as soon as what it needs is loaded. A plugin is only loaded after the plugins it needs, so
 * PF4J's class loader, which looks up a dependency's classes by id, always finds them; and it is
 * unloaded only after the plugins that need it, which then wait again.
 *
 * <p>Thread-safety: PF4J's {@code PluginManager} is not thread-safe, so every method here is
 * synchronized on this object; the {@link ExtensionCatalog} it returns is immutable.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private final Path shadowDir;
    private final PluginEngine engine;
    /** Loaded plugins by id, in the order they loaded: each after the plugins it needs. */
    private final Map<String, Loaded> loaded = new LinkedHashMap<>();
    /** Jars waiting for their dependencies. */
    private final WaitingJars waiting = new WaitingJars();
    private final Map<String, PluginProblem> problems = new TreeMap<>();
    /** Jars refused only because a jar with their Plugin-Id was loaded: jar name to that id. */
    private final Map<String, String> refusedDuplicates = new TreeMap<>();
    /** The plugins folder's jar each loaded or waiting jar name came from. */
    private final Map<String, Path> sources = new HashMap<>();
    private Map<String, String> pins = Map.of();
    private long shadowCount;
    /** The catalog as of the last change, for readers that must not wait for a reload. */
    private volatile ExtensionCatalog current;

    /** A started plugin: what it provides and the copy it was loaded from. */
    private record Loaded(PluginInfo info, Path shadow, Extensions extensions) {
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
        this.engine = new PluginEngine(shadowDir, hostVersion);
        current = catalog();
    }

    /**
     * Sets the SHA-256 (lower-case hex) each plugin id's jar must have; a jar whose digest differs
     * is refused from then on. Plugins without a pin are not checked.
     */
    public synchronized void pin(Map<String, String> sha256ByPluginId) {
        pins = Map.copyOf(sha256ByPluginId);
    }

    /**
     * Loads and starts every {@code *.jar} in {@code pluginsDir}: each after the plugins it
     * depends on, otherwise in name order.
     *
     * @throws IOException if the folder cannot be listed
     */
    public synchronized ExtensionCatalog loadFolder(Path pluginsDir) throws IOException {
        for (Path jar : jarsIn(pluginsDir)) {
            consider(jar);
        }
        settle();
        return catalog();
    }

    /**
     * Loads and starts one jar, from a copy in the shadow folder, and then the waiting jars it
     * lets load. A jar that cannot be used is recorded as a {@link PluginProblem} (see
     * {@link #catalog()}) and logged, not thrown; one whose dependencies are not loaded waits.
     *
     * @return the plugin, if it loaded
     */
    public synchronized Optional<PluginInfo> load(Path jar) {
        consider(jar);
        settle();
        return loadedFrom(jar.getFileName().toString());
    }

    /**
     * Replaces plugin {@code pluginId} by the jar {@code replacement} (or removes it, if empty) and
     * reloads, in dependency order, the loaded plugins that depend on it, optionally too. If the
     * replacement cannot load, the last good version is loaded again. A dependent that cannot load
     * on what is there now waits; after a removal, those that need it do.
     *
     * @return the new version, if the replacement loaded
     */
    public synchronized Optional<PluginInfo> replace(String pluginId, Optional<Path> replacement) {
        Loaded old = loaded.get(pluginId);
        if (old == null) {
            return replacement.flatMap(this::load);
        }
        if (replacement.isPresent() && outOfDependentsRanges(old, replacement.get())) {
            return Optional.empty();
        }
        Set<String> required = DependencyGraph.dependents(Set.of(pluginId), infos(), false);
        Set<String> all = DependencyGraph.dependents(Set.of(pluginId), infos(), true);
        List<String> order = DependencyGraph.dependencyOrder(all, infos());
        Map<String, Loaded> reload = new LinkedHashMap<>();
        for (String dependent : reversed(order)) {
            Loaded plugin = loaded.get(dependent);
            boolean comesBack = replacement.isPresent() || !required.contains(dependent);
            unloadOne(dependent, comesBack);
            if (comesBack) {
                reload.put(dependent, plugin);
            } else {
                waitAgain(plugin.info());
            }
        }
        Path lastGood = unloadOne(pluginId, replacement.isPresent());
        Optional<PluginInfo> now = Optional.empty();
        if (replacement.isPresent()) {
            String jarName = replacement.get().getFileName().toString();
            consider(replacement.get());
            WaitingJars.Waiter candidate = waiting.remove(jarName);
            now = candidate == null ? Optional.empty() : loadFromFolder(candidate.jar());
            if (now.isPresent()) {
                deleteQuietly(lastGood);
            } else {
                loadCopy(lastGood, old.info().jar()); // the caller says so, with why the new one did not load
            }
        }
        for (String dependent : order) {
            Loaded plugin = reload.get(dependent);
            if (plugin != null) {
                loadCopy(plugin.shadow(), plugin.info().jar());
            }
        }
        settle();
        return now;
    }

    /**
     * Whether the replacement's version is outside the range of a loaded plugin that depends on
     * the one it replaces: then it is refused (recorded as the jar's problem) and nothing changes,
     * so the dependents keep running on the version they accept.
     */
    private boolean outOfDependentsRanges(Loaded old, Path replacement) {
        String jarName = replacement.getFileName().toString();
        JarDescriptor next;
        try {
            next = engine.read(replacement);
        } catch (PluginJarException e) {
            return false; // loading it says why
        }
        for (PluginInfo dependent : infos()) {
            for (PluginDependency dependency : dependent.dependencies()) {
                if (dependency.pluginId().equals(old.info().id()) && next.id().equals(old.info().id())
                        && !dependency.accepts(next.version(), engine.versions())) {
                    failed(jarName, "plugin " + next.id() + " " + next.version() + " is outside the range "
                            + dependent.id() + " " + dependent.version() + " needs (" + dependency + "); "
                            + old.info().id() + " " + old.info().version() + " keeps running");
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Unloads plugins and loads them again from their shadow copies, with the plugins that need
     * them, in dependency order: for a plugin whose optional dependency came or went.
     */
    public synchronized void reload(Set<String> pluginIds) {
        Set<String> all = new TreeSet<>(pluginIds);
        all.retainAll(loaded.keySet());
        all.addAll(DependencyGraph.dependents(all, infos(), false));
        List<String> order = DependencyGraph.dependencyOrder(all, infos());
        Map<String, Loaded> reload = new LinkedHashMap<>();
        for (String pluginId : reversed(order)) {
            reload.put(pluginId, loaded.get(pluginId));
            unloadOne(pluginId, true);
        }
        for (String pluginId : order) {
            loadCopy(reload.get(pluginId).shadow(), reload.get(pluginId).info().jar());
        }
        settle();
    }

    /**
     * The loaded plugins that a replacement or removal of {@code pluginId} takes along: those that
     * need it, directly or not, and (with {@code optional}) those that declare it optional.
     */
    public synchronized Set<String> dependentsOf(String pluginId, boolean optional) {
        return DependencyGraph.dependents(Set.of(pluginId), infos(), optional);
    }

    /** The loaded plugins that declare one of {@code pluginIds} an optional dependency. */
    public synchronized Set<String> optionalDeclarersOf(Set<String> pluginIds) {
        Set<String> declarers = new TreeSet<>();
        for (PluginInfo plugin : infos()) {
            if (!pluginIds.contains(plugin.id()) && plugin.dependencies().stream()
                    .anyMatch(d -> d.optional() && pluginIds.contains(d.pluginId()))) {
                declarers.add(plugin.id());
            }
        }
        return declarers;
    }

    /** The plugin loaded from the jar called {@code jarName}, if any. */
    public synchronized Optional<PluginInfo> pluginFromJar(String jarName) {
        return loadedFrom(jarName);
    }

    /** Forgets a problem recorded for a jar that is gone, and stops it waiting. */
    public synchronized void forget(String jarName) {
        problems.remove(jarName);
        refusedDuplicates.remove(jarName);
        waiting.remove(jarName);
    }

    /**
     * The first jar (by name) in the folder refused only because plugin {@code pluginId} was
     * already loaded: the one that start-up would load if that plugin's jar were not there.
     */
    public synchronized Optional<String> refusedDuplicateOf(String pluginId) {
        return refusedDuplicates.entrySet().stream().filter(e -> e.getValue().equals(pluginId))
                .map(Map.Entry::getKey).findFirst();
    }

    /** What is loaded now, what waits, and what failed. */
    public synchronized ExtensionCatalog catalog() {
        List<ExtensionClass<Observer>> observers = new ArrayList<>();
        List<ExtensionClass<DriftStrategy>> strategies = new ArrayList<>();
        List<ExtensionClass<Object>> others = new ArrayList<>();
        List<PluginInfo> plugins = new ArrayList<>();
        loaded.values().stream().sorted(Comparator.comparing(l -> l.info().jar())).forEach(l -> {
            plugins.add(l.info());
            observers.addAll(l.extensions().observers());
            strategies.addAll(l.extensions().strategies());
            others.addAll(l.extensions().others());
        });
        return new ExtensionCatalog(plugins, List.copyOf(problems.values()), observers, strategies, others);
    }

    /**
     * The catalog as of the last load, unload or replacement, without taking this object's lock:
     * for observers that look extensions up while a reload runs.
     */
    public ExtensionCatalog current() {
        return current;
    }

    /** Stops and unloads every plugin and deletes the shadow folder. Idempotent. */
    @Override
    public synchronized void close() {
        // Dependents first; PF4J's unloadPlugins() iterates the list it removes from.
        for (String pluginId : reversed(List.copyOf(loaded.keySet()))) {
            unloadOne(pluginId, false);
        }
        waiting.clear();
        current = catalog();
        try (Stream<Path> files = Files.walk(shadowDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.debug("cannot delete {}", shadowDir, e);
        }
    }

    /** Reads a jar of the folder: a bad one is a problem, a good one waits to be loaded by {@link #settle}. */
    private void consider(Path jar) {
        String jarName = jar.getFileName().toString();
        forget(jarName);
        try {
            JarDescriptor descriptor = engine.read(jar);
            sources.put(jarName, jar);
            waiting.put(jarName, jar, descriptor);
        } catch (PluginJarException e) {
            failed(jarName, e.getMessage());
        }
    }

    /**
     * Loads every waiting jar whose dependencies are loaded, until none is left that can load; a
     * jar whose optional dependency waits too loads after it if it can. Says once why each of the
     * others waits.
     */
    private void settle() {
        for (Optional<String> next = waiting.next(infosById(), engine.versions()); next.isPresent();
             next = waiting.next(infosById(), engine.versions())) {
            WaitingJars.Waiter waiter = waiting.remove(next.get());
            problems.remove(next.get()); // it waited: what it waited for is there now
            loadFromFolder(waiter.jar());
        }
        waiting.reasons(infosById(), engine.versions()).forEach((jarName, wait) -> {
            PluginProblem problem = new PluginProblem(jarName, wait.reason(), wait.pluginIds());
            if (!problem.equals(problems.put(jarName, problem))) {
                LOG.warn("plugin {} waits: {}", jarName, wait.reason());
            }
        });
        current = catalog();
    }

    /** Copies a jar of the folder into the shadow folder, checks its pin, and loads the copy. */
    private Optional<PluginInfo> loadFromFolder(Path jar) {
        String jarName = jar.getFileName().toString();
        Path shadow = shadowDir.resolve((++shadowCount) + "-" + jarName);
        try {
            JarDescriptor descriptor = engine.read(jar);
            Files.copy(jar, shadow, StandardCopyOption.REPLACE_EXISTING);
            checkPin(shadow, descriptor.id()); // the copy is what gets loaded, so that is what is verified
        } catch (PluginJarException e) {
            deleteQuietly(shadow);
            return failed(jarName, e.getMessage());
        } catch (IOException e) {
            return failed(jarName, "cannot copy: " + e.getMessage());
        }
        sources.put(jarName, jar);
        return loadCopy(shadow, jarName);
    }

    /**
     * Loads a shadow copy if its dependencies are loaded; otherwise its jar in the folder waits.
     * Never leaves a plugin in PF4J that is not in {@link #loaded}.
     */
    private Optional<PluginInfo> loadCopy(Path shadow, String jarName) {
        JarDescriptor descriptor;
        try {
            descriptor = engine.read(shadow);
            Loaded other = loaded.get(descriptor.id());
            if (other != null) {
                refusedDuplicates.put(jarName, descriptor.id());
                throw new PluginJarException("plugin id '" + descriptor.id() + "' is already loaded from "
                        + other.info().jar());
            }
        } catch (PluginJarException e) {
            deleteQuietly(shadow);
            return failed(jarName, e.getMessage());
        }
        if (DependencyGraph.check(descriptor, infosById(), Map.of(), Map.of(), engine.versions()).isPresent()) {
            deleteQuietly(shadow);
            Path source = sources.get(jarName);
            if (source != null && Files.isRegularFile(source)) {
                waiting.put(jarName, source, descriptor); // settle() says why
            }
            return Optional.empty();
        }
        PluginWrapper plugin;
        try {
            plugin = engine.loadAndStart(shadow);
        } catch (PluginJarException e) {
            deleteQuietly(shadow);
            return failed(jarName, e.getMessage());
        }
        String pluginId = plugin.getPluginId();
        Extensions found;
        try {
            found = Extensions.of(plugin, engine.extensionClassNames(pluginId));
        } catch (PluginJarException e) {
            return discard(plugin, shadow, jarName, e.getMessage());
        }
        PluginInfo info = new PluginInfo(pluginId, plugin.getDescriptor().getVersion(), jarName,
                found.observers().stream().map(ExtensionClass::type).toList(),
                found.strategies().stream().map(ExtensionClass::type).toList(), descriptor.dependencies());
        loaded.put(pluginId, new Loaded(info, shadow, found));
        LOG.info("loaded plugin {} {} from {}", pluginId, info.version(), jarName);
        return Optional.of(info);
    }

    private Path unloadOne(String pluginId, boolean keepShadow) {
        Loaded plugin = loaded.remove(pluginId);
        engine.stopAndUnload(pluginId);
        if (!keepShadow) {
            deleteQuietly(plugin.shadow());
        }
        LOG.info("unloaded plugin {} {} ({})", pluginId, plugin.info().version(), plugin.info().jar());
        return plugin.shadow();
    }

    /** A plugin unloaded because a plugin it needs went: its jar in the folder, if still there, waits. */
    private void waitAgain(PluginInfo plugin) {
        Path source = sources.get(plugin.jar());
        if (source != null && Files.isRegularFile(source)) {
            consider(source);
        }
    }

    private Optional<PluginInfo> loadedFrom(String jarName) {
        return loaded.values().stream().map(Loaded::info).filter(info -> info.jar().equals(jarName)).findFirst();
    }

    private List<PluginInfo> infos() {
        return loaded.values().stream().map(Loaded::info).toList();
    }

    private Map<String, PluginInfo> infosById() {
        Map<String, PluginInfo> infos = new HashMap<>();
        loaded.forEach((id, plugin) -> infos.put(id, plugin.info()));
        return infos;
    }

    private static List<String> reversed(List<String> list) {
        List<String> reversed = new ArrayList<>(list);
        java.util.Collections.reverse(reversed);
        return reversed;
    }

    /** Unloads a plugin that started but cannot be used as a whole: a skipped jar keeps nothing loaded. */
    private Optional<PluginInfo> discard(PluginWrapper plugin, Path shadow, String jarName, String reason) {
        engine.stopAndUnload(plugin.getPluginId());
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

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }
}
