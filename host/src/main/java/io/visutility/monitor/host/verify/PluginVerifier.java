package io.visutility.monitor.host.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.host.plugins.ExtensionCatalog;
import io.visutility.monitor.host.plugins.ExtensionClass;
import io.visutility.monitor.host.plugins.PluginDependency;
import io.visutility.monitor.host.plugins.PluginHost;
import io.visutility.monitor.host.plugins.PluginInfo;
import io.visutility.monitor.host.plugins.PluginProblem;
import io.visutility.monitor.host.plugins.PluginVersions;
import io.visutility.monitor.host.plugins.UnknownTypeException;
import io.visutility.monitor.host.schema.ManifestSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.objectweb.asm.Opcodes;

/**
 * Checks a plugin jar before it goes live: what {@code monitor verify-plugin} runs.
 *
 * <p>It first reads the jar without loading it (manifest entries, {@code Plugin-Requires} against
 * this host, the extension index, each extension's shape, bundled copies of what the host
 * provides, every class the code refers to), reporting every problem it sees. If it finds none, it
 * loads the jar with the host's own {@link PluginHost}, in a plugin class loader of its own, creates
 * one instance of each extension, and configures each strategy with no settings.
 *
 * <p>Plugins see the JDK, the plugin API, PF4J and SLF4J, and the plugins they depend on; a class
 * found only among the host's own libraries (Jackson, SnakeYAML, ...) is reported as an error: those
 * are not part of the contract and change with the host.
 *
 * <p>Thread-safety: immutable after construction; {@link #verify} may run on several threads.
 */
public final class PluginVerifier {

    /** What the host provides to every plugin, by package prefix of internal names. */
    private static final List<String> PROVIDED = List.of("io/visutility/monitor/api/", "org/pf4j/", "org/slf4j/");
    private static final String OBSERVER = "io/visutility/monitor/api/Observer";
    private static final String STRATEGY = "io/visutility/monitor/api/DriftStrategy";
    private static final String EXTENSION_POINT = "org/pf4j/ExtensionPoint";
    private static final int MAX_NAMED = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PluginVersions VERSIONS = new PluginVersions();

    private final String hostVersion;
    private final Map<String, PluginJar> available;
    private final boolean pluginsDirGiven;
    private final ClassLoader host = PluginVerifier.class.getClassLoader();
    private final ClassLoader jdk = ClassLoader.getPlatformClassLoader();

    /**
     * @param hostVersion the version {@code Plugin-Requires} is checked against
     * @param pluginsDir  the plugins a jar may depend on ({@code --plugins DIR}), if given
     * @throws IOException if the folder cannot be listed
     */
    public PluginVerifier(String hostVersion, Optional<Path> pluginsDir) throws IOException {
        this.hostVersion = hostVersion;
        this.available = new LinkedHashMap<>();
        this.pluginsDirGiven = pluginsDir.isPresent();
        if (pluginsDir.isPresent()) {
            for (Path jar : PluginHost.jarsIn(pluginsDir.get())) {
                try {
                    PluginJar plugin = PluginJar.read(jar);
                    plugin.attribute("Plugin-Id").ifPresent(id -> available.putIfAbsent(id, plugin));
                } catch (IOException e) {
                    // Not a jar anyone can depend on; verify-plugin on it says why.
                }
            }
        }
    }

    /** Checks one jar. Never throws for a bad jar: every problem is a {@link Finding}. */
    public Verification verify(Path file) {
        String name = file.getFileName().toString();
        PluginJar jar;
        try {
            jar = PluginJar.read(file);
        } catch (IOException e) {
            return new Verification(name, "", "", List.of(), List.of(),
                    List.of(Finding.error("not a readable jar: " + e.getMessage())));
        }
        List<Finding> findings = new ArrayList<>();
        List<PluginJar> dependencies = checkManifest(jar, findings);
        checkBundledCopies(jar, findings);
        checkClassVersions(jar, findings);
        checkExtensions(jar, dependencies, findings);
        checkReferences(jar, dependencies, findings);
        checkSchemas(jar, findings);
        List<String> observers = List.of();
        List<String> strategies = List.of();
        if (findings.stream().noneMatch(f -> f.level() == Finding.Level.ERROR)) {
            Optional<PluginInfo> loaded = load(jar, dependencies, findings);
            if (loaded.isPresent()) {
                observers = loaded.get().observerTypes();
                strategies = loaded.get().strategyTypes();
            }
        }
        return new Verification(name, jar.attribute("Plugin-Id").orElse(""), jar.attribute("Plugin-Version").orElse(""),
                observers, strategies, findings);
    }

    /** The manifest entries; returns the plugins it depends on that {@code --plugins DIR} has. */
    private List<PluginJar> checkManifest(PluginJar jar, List<Finding> findings) {
        if (jar.attributes().isEmpty()) {
            findings.add(Finding.error("no META-INF/MANIFEST.MF: a plugin jar needs Plugin-Id, Plugin-Version and "
                    + "Plugin-Requires in it (maven-jar-plugin's <manifestEntries>)"));
            return List.of();
        }
        for (String attribute : List.of("Plugin-Id", "Plugin-Version")) {
            if (jar.attribute(attribute).isEmpty()) {
                findings.add(Finding.error("META-INF/MANIFEST.MF has no " + attribute));
            }
        }
        Optional<String> requires = jar.attribute("Plugin-Requires");
        if (requires.isEmpty()) {
            findings.add(Finding.info("no Plugin-Requires: every host version will load it; write the range it "
                    + "supports, such as >=" + hostVersion + " & <1.0.0"));
        } else {
            try {
                if (!VERSIONS.checkVersionConstraint(hostVersion, requires.get())) {
                    findings.add(Finding.error("Plugin-Requires '" + requires.get() + "' does not accept this host, "
                            + "version " + hostVersion));
                }
            } catch (RuntimeException e) {
                findings.add(Finding.error("Plugin-Requires '" + requires.get()
                        + "' is not a version range such as >=0.1.0 & <1.0.0"));
            }
        }
        List<PluginJar> dependencies = new ArrayList<>();
        String declared = jar.attribute("Plugin-Dependencies").orElse("");
        for (PluginDependency dependency : PluginDependency.parseAll(declared)) {
            PluginJar there = available.get(dependency.pluginId());
            String wants = "Plugin-Dependencies wants " + dependency.pluginId() + " " + dependency.range()
                    + (dependency.optional() ? " (optional)" : "");
            if (there == null) {
                if (!dependency.optional()) {
                    findings.add(Finding.error(wants + ", " + (!pluginsDirGiven
                            ? "and no --plugins DIR was given to find it in"
                            : "which is not in the --plugins folder: the host would keep the jar waiting for it")));
                }
                continue;
            }
            String version = there.attribute("Plugin-Version").orElse("");
            boolean accepted;
            try {
                accepted = dependency.accepts(version, VERSIONS);
            } catch (RuntimeException e) {
                findings.add(Finding.error(wants + ": '" + dependency.versions()
                        + "' is not a version range such as >=1.0.0 & <2.0.0"));
                continue;
            }
            if (!accepted) {
                findings.add(Finding.error(wants + ", but the --plugins folder has " + dependency.pluginId() + " "
                        + version + " (" + there.fileName() + "): the host would keep the jar waiting"));
            } else {
                dependencies.add(there);
            }
        }
        for (PluginJar dependency : List.copyOf(dependencies)) {
            addIndirect(dependency, dependencies);
        }
        return dependencies;
    }

    /** The plugins a dependency needs in turn, from the --plugins folder: the host loads them too. */
    private void addIndirect(PluginJar plugin, List<PluginJar> dependencies) {
        for (String id : plugin.dependencies()) {
            PluginJar there = available.get(id);
            if (there != null && !dependencies.contains(there)) {
                dependencies.add(there);
                addIndirect(there, dependencies);
            }
        }
    }

    private void checkBundledCopies(PluginJar jar, List<Finding> findings) {
        Set<String> packages = new TreeSet<>();
        int count = 0;
        for (String className : jar.classes().keySet()) {
            if (PROVIDED.stream().anyMatch(className::startsWith)) {
                packages.add(className.substring(0, className.lastIndexOf('/')).replace('/', '.'));
                count++;
            }
        }
        if (!packages.isEmpty()) {
            findings.add(Finding.error("bundles its own copy of " + String.join(", ", packages) + " (" + count
                    + " classes): the host provides the plugin API, PF4J and SLF4J; declare them with "
                    + "<scope>provided</scope> and keep them out of any shaded jar"));
        }
    }

    private void checkClassVersions(PluginJar jar, List<Finding> findings) {
        int supported = Runtime.version().feature() + 44;
        List<ClassScan> tooNew = jar.classes().values().stream().filter(c -> c.majorVersion() > supported).toList();
        if (!tooNew.isEmpty()) {
            ClassScan first = tooNew.get(0);
            findings.add(Finding.error("class " + first.className() + " is compiled for Java "
                    + (first.majorVersion() - 44) + " (" + tooNew.size() + " classes), and this host runs on Java "
                    + Runtime.version().feature() + ": compile with <maven.compiler.release>17</maven.compiler.release>"));
        }
    }

    private void checkExtensions(PluginJar jar, List<PluginJar> dependencies, List<Finding> findings) {
        Set<String> annotated = new TreeSet<>();
        jar.classes().values().stream().filter(ClassScan::extension).forEach(c -> annotated.add(c.className()));
        if (jar.index().isEmpty() || jar.index().get().isEmpty()) {
            if (!annotated.isEmpty()) {
                findings.add(Finding.error((jar.index().isEmpty() ? "no " : "an empty ") + PluginJar.INDEX
                        + ", though " + String.join(", ", annotated) + " carries @Extension: PF4J's annotation "
                        + "processor did not run (javac 23 and later need <proc>full</proc> in maven-compiler-plugin)"));
            } else if (jar.index().isEmpty()) {
                findings.add(Finding.info("no " + PluginJar.INDEX + " and no @Extension class: a library plugin, "
                        + "whose classes the plugins that depend on it (Plugin-Dependencies) use"));
            }
            return;
        }
        Set<String> indexed = new TreeSet<>(jar.index().get());
        for (String className : annotated) {
            if (!indexed.contains(className)) {
                findings.add(Finding.error("class " + className + " carries @Extension but " + PluginJar.INDEX
                        + " does not list it: the index is stale; rebuild the jar"));
            }
        }
        Map<String, String> typeOwners = new LinkedHashMap<>();
        for (String className : indexed) {
            ClassScan scan = jar.classes().get(className.replace('.', '/'));
            if (scan == null) {
                findings.add(Finding.error(PluginJar.INDEX + " lists " + className + ", which is not in the jar"));
                continue;
            }
            String kind = kind(scan.name(), jar, dependencies, new TreeSet<>());
            String what = "extension " + className;
            if (kind == null) {
                findings.add(Finding.error(what + " implements neither Observer nor DriftStrategy"
                        + (dependencies.isEmpty() ? "" : " nor an extension point of a plugin it depends on")));
            }
            if (!scan.isPublic() || !scan.concrete()) {
                findings.add(Finding.error(what + " must be a public, concrete class"));
            }
            if (!scan.publicNoArgConstructor()) {
                findings.add(Finding.error(what + " needs a public constructor without arguments"));
            }
            Optional<String> type = scan.extensionType();
            if (kind != null && !kind.equals("observer") && !kind.equals("strategy")) {
                continue; // an extension of a plugin's own extension point: found by its type, not by a name
            }
            if (type.isEmpty() || type.get().isBlank()) {
                findings.add(Finding.error(what + " has no @ExtensionType(\"name\"): the manifest refers to it by that name"));
            } else if (type.get().contains(":")) {
                findings.add(Finding.error(what + ": @ExtensionType '" + type.get() + "' must not contain ':'"));
            } else if (kind != null) {
                String previous = typeOwners.putIfAbsent(kind + " " + type.get(), className);
                if (previous != null) {
                    findings.add(Finding.error(what + ": @ExtensionType '" + type.get() + "' is also the name of "
                            + previous + "; each " + kind + " type needs its own name"));
                }
            }
        }
    }

    /** {@code observer}, {@code strategy} or {@code extension point of plugin X}; null if none. */
    private String kind(String internalName, PluginJar jar, List<PluginJar> dependencies, Set<String> seen) {
        if (internalName == null || !seen.add(internalName)) {
            return null;
        }
        if (internalName.equals(OBSERVER)) {
            return "observer";
        }
        if (internalName.equals(STRATEGY)) {
            return "strategy";
        }
        ClassScan scan = jar.classes().get(internalName);
        if (scan != null && (scan.access() & Opcodes.ACC_INTERFACE) != 0 && scan.interfaces().contains(EXTENSION_POINT)) {
            return "extension point of plugin " + jar.attribute("Plugin-Id").orElse("?"); // declared in this jar
        }
        if (scan == null) {
            for (PluginJar dependency : dependencies) {
                if (dependency.classes().containsKey(internalName)) {
                    return "extension point of plugin " + dependency.attribute("Plugin-Id").orElse("?");
                }
            }
            return null;
        }
        String kind = kind(scan.superName(), jar, dependencies, seen);
        for (int i = 0; kind == null && i < scan.interfaces().size(); i++) {
            kind = kind(scan.interfaces().get(i), jar, dependencies, seen);
        }
        return kind;
    }

    private void checkReferences(PluginJar jar, List<PluginJar> dependencies, List<Finding> findings) {
        Map<String, String> missing = new LinkedHashMap<>();
        Map<String, String> hostOnly = new LinkedHashMap<>();
        for (ClassScan scan : jar.classes().values()) {
            for (String reference : scan.references()) {
                if (missing.containsKey(reference) || hostOnly.containsKey(reference)
                        || jar.classes().containsKey(reference)
                        || dependencies.stream().anyMatch(d -> d.classes().containsKey(reference))
                        || jdk.getResource(reference + ".class") != null) {
                    continue;
                }
                boolean inHost = host.getResource(reference + ".class") != null;
                if (inHost && PROVIDED.stream().anyMatch(reference::startsWith)) {
                    continue;
                }
                (inHost ? hostOnly : missing).put(reference, scan.className());
            }
        }
        if (!missing.isEmpty()) {
            Map.Entry<String, String> first = missing.entrySet().iterator().next();
            findings.add(Finding.error("class " + first.getValue() + " refers to " + first.getKey().replace('/', '.')
                    + ", which is not in the jar, the plugin API, PF4J, SLF4J, the JDK"
                    + (dependencies.isEmpty() ? "" : " or the plugins it depends on")
                    + more(missing.keySet()) + ": shade the library that has it into the jar"));
        }
        if (!hostOnly.isEmpty()) {
            Map.Entry<String, String> first = hostOnly.entrySet().iterator().next();
            findings.add(Finding.error("class " + first.getValue() + " refers to " + first.getKey().replace('/', '.')
                    + ", which only the host's own libraries have" + more(hostOnly.keySet())
                    + ": plugins see the plugin API, PF4J, SLF4J and the JDK, not the host's libraries; "
                    + "shade (and relocate) the library into the jar"));
        }
    }

    /** Each settings schema is a JSON object (what {@code monitor schema} merges) named after a type of the jar. */
    private static void checkSchemas(PluginJar jar, List<Finding> findings) {
        Set<String> types = new TreeSet<>();
        jar.classes().values().forEach(c -> c.extensionType().ifPresent(types::add));
        jar.schemas().forEach((type, text) -> {
            String file = String.format(ManifestSchema.PLUGIN_SCHEMA, type);
            try {
                JsonNode schema = JSON.readTree(text);
                if (!schema.isObject()) {
                    findings.add(Finding.error(file + " is not a JSON Schema: expected an object, got " + schema.getNodeType()));
                } else if (!types.contains(type)) {
                    findings.add(Finding.info(file + " is for no @ExtensionType of the jar (" + String.join(", ", types)
                            + "): monitor schema will not use it"));
                }
            } catch (JsonProcessingException e) {
                findings.add(Finding.error(file + " is not valid JSON: " + e.getOriginalMessage()));
            }
        });
    }

    private static String more(Set<String> names) {
        if (names.size() == 1) {
            return "";
        }
        List<String> rest = names.stream().skip(1).limit(MAX_NAMED).map(n -> n.replace('/', '.')).toList();
        return " (and " + (names.size() - 1) + " more: " + String.join(", ", rest)
                + (names.size() - 1 > MAX_NAMED ? ", ..." : "") + ")";
    }

    /** Loads the jar as the host does, creates each extension, and configures each strategy with no settings. */
    private Optional<PluginInfo> load(PluginJar jar, List<PluginJar> dependencies, List<Finding> findings) {
        try (PluginHost plugins = new PluginHost(hostVersion)) {
            for (PluginJar dependency : dependencies) {
                plugins.load(dependency.file()); // in any order: a plugin waits until what it needs is loaded
            }
            Optional<PluginInfo> info = plugins.load(jar.file());
            ExtensionCatalog catalog = plugins.catalog();
            if (info.isEmpty()) {
                String reason = catalog.problems().stream().filter(p -> p.jar().equals(jar.fileName()))
                        .map(PluginProblem::reason).findFirst().orElse("it did not load");
                findings.add(Finding.error("the host does not load it: " + reason));
                return Optional.empty();
            }
            String id = info.get().id();
            for (String type : info.get().observerTypes()) {
                try {
                    catalog.observer(id + ":" + type).newInstance();
                } catch (UnknownTypeException | RuntimeException | LinkageError e) {
                    findings.add(Finding.error("observer '" + type + "': " + e.getMessage()));
                }
            }
            for (String type : info.get().strategyTypes()) {
                configureEmpty(catalog, id, type, findings);
            }
            return info;
        }
    }

    private static void configureEmpty(ExtensionCatalog catalog, String pluginId, String type, List<Finding> findings) {
        ExtensionClass<DriftStrategy> strategyClass;
        DriftStrategy strategy;
        try {
            strategyClass = catalog.strategy(pluginId + ":" + type);
            strategy = strategyClass.newInstance();
        } catch (UnknownTypeException | RuntimeException | LinkageError e) {
            findings.add(Finding.error("strategy '" + type + "': " + e.getMessage()));
            return;
        }
        Settings empty = Settings.of("strategy '" + type + "'", "", Map.of(), Map.of());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(strategyClass.classLoader());
        try {
            strategy.configure(empty);
            findings.add(Finding.info("strategy '" + type + "' configures with no settings"
                    + (empty.requestedKeys().isEmpty() ? "" : "; it reads: " + String.join(", ", empty.requestedKeys()))));
        } catch (IllegalArgumentException e) {
            findings.add(Finding.info("strategy '" + type + "' needs settings: " + e.getMessage()));
        } catch (RuntimeException | LinkageError e) {
            findings.add(Finding.error("strategy '" + type + "': configure with no settings failed: " + e));
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
