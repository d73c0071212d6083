package io.visutility.monitor.host.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipException;
import org.pf4j.VersionManager;

/**
 * What a plugin jar's {@code META-INF/MANIFEST.MF} says, checked for what PF4J would otherwise
 * report obscurely or not at all: id, version, host range, dependencies, Plugin-Class, extension
 * index. Immutable.
 *
 * @param id           {@code Plugin-Id}
 * @param version      {@code Plugin-Version}
 * @param dependencies {@code Plugin-Dependencies}, in the order written
 */
record JarDescriptor(String id, String version, List<PluginDependency> dependencies) {

    static final String EXTENSION_INDEX = "META-INF/extensions.idx";

    private static final Pattern PLUGIN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** Numbers separated by dots, with an optional qualifier: what PF4J and people write. */
    private static final Pattern PLUGIN_VERSION = Pattern.compile("\\d+(\\.\\d+)*([-+][0-9A-Za-z.+-]+)?");
    /** How a class file names PF4J's {@code @Extension} when a class carries it. */
    private static final byte[] EXTENSION_ANNOTATION = "Lorg/pf4j/Extension;".getBytes(StandardCharsets.UTF_8);

    JarDescriptor {
        dependencies = List.copyOf(dependencies);
    }

    /** The dependencies the plugin cannot run without. */
    List<PluginDependency> required() {
        return dependencies.stream().filter(d -> !d.optional()).toList();
    }

    /**
     * Reads and checks a jar's descriptor.
     *
     * @param versions the version manager ranges are parsed with
     * @param host     this host's version, for {@code Plugin-Requires}
     */
    static JarDescriptor read(Path jar, VersionManager versions, String host) throws PluginJarException {
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
                    versions.checkVersionConstraint(host, requires.trim());
                } catch (RuntimeException e) {
                    throw new PluginJarException("Plugin-Requires '" + requires.trim()
                            + "' is not a version range such as >=0.1.0 & <1.0.0: " + PluginHost.rootMessage(e));
                }
            }
            List<PluginDependency> dependencies = dependencies(id,
                    manifest.getMainAttributes().getValue("Plugin-Dependencies"), versions);
            checkPluginClass(file, manifest.getMainAttributes().getValue("Plugin-Class"));
            if (file.getEntry(EXTENSION_INDEX) == null && hasExtensions(file)) {
                throw new PluginJarException("no " + EXTENSION_INDEX + ", so no observers or strategies: PF4J's "
                        + "annotation processor did not run when the jar was built");
            }
            return new JarDescriptor(id, version, dependencies);
        } catch (ZipException e) {
            throw new PluginJarException("not a valid jar file (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new PluginJarException("cannot read: " + e);
        }
    }

    /** Parses Plugin-Dependencies as PF4J does, and checks each entry's id and range. */
    private static List<PluginDependency> dependencies(String id, String value, VersionManager versions)
            throws PluginJarException {
        List<PluginDependency> dependencies = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return dependencies;
        }
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            PluginDependency dependency = PluginDependency.parse(entry);
            if (!PLUGIN_ID.matcher(dependency.pluginId()).matches()) {
                throw new PluginJarException("Plugin-Dependencies entry '" + entry.trim()
                        + "' does not start with a plugin id (write id, id@range or id?)");
            }
            if (dependency.pluginId().equals(id)) {
                throw new PluginJarException("Plugin-Dependencies names the plugin itself ('" + entry.trim() + "')");
            }
            try {
                dependency.accepts("0.0.0", versions);
            } catch (RuntimeException e) {
                throw new PluginJarException("Plugin-Dependencies entry '" + entry.trim() + "': '" + dependency.versions()
                        + "' is not a version range such as >=1.0.0 & <2.0.0: " + PluginHost.rootMessage(e));
            }
            dependencies.add(dependency);
        }
        return dependencies;
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

    /**
     * Whether some class of the jar carries {@code @Extension}: without an index, such a jar was
     * built without PF4J's processor; a jar with none is a library other plugins depend on.
     */
    private static boolean hasExtensions(JarFile file) throws IOException {
        for (JarEntry entry : Collections.list(file.entries())) {
            if (entry.getName().endsWith(".class")) {
                try (InputStream in = file.getInputStream(entry)) {
                    if (contains(in.readAllBytes(), EXTENSION_ANNOTATION)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean contains(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i <= data.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
