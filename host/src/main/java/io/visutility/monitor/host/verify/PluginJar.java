package io.visutility.monitor.host.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * A plugin jar as read from its file, without loading any of its classes: its manifest
 * attributes, its extension index, and a {@link ClassScan} of each class.
 *
 * @param file       the jar
 * @param attributes the main attributes of {@code META-INF/MANIFEST.MF}; empty if it has none
 * @param index      the lines of {@code META-INF/extensions.idx}, if the jar has one
 * @param classes    its classes by internal name (multi-release variants and {@code module-info} left out)
 * @param schemas    the text of each {@code META-INF/monitor/<type>.schema.json}, by type
 */
record PluginJar(Path file, Map<String, String> attributes, Optional<List<String>> index,
                 Map<String, ClassScan> classes, Map<String, String> schemas) {

    private static final String SCHEMA_FOLDER = "META-INF/monitor/";
    private static final String SCHEMA_SUFFIX = ".schema.json";

    static final String INDEX = "META-INF/extensions.idx";

    /**
     * Reads {@code file}.
     *
     * @throws IOException if it is not a readable jar
     */
    static PluginJar read(Path file) throws IOException {
        try (JarFile jar = new JarFile(file.toFile())) {
            Map<String, String> attributes = new TreeMap<>();
            if (jar.getManifest() != null) {
                for (Map.Entry<Object, Object> entry : jar.getManifest().getMainAttributes().entrySet()) {
                    attributes.put(((Attributes.Name) entry.getKey()).toString(), String.valueOf(entry.getValue()).trim());
                }
            }
            Optional<List<String>> index = Optional.empty();
            Map<String, ClassScan> classes = new TreeMap<>();
            Map<String, String> schemas = new TreeMap<>();
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (name.equals(INDEX)) {
                    index = Optional.of(indexLines(jar, entry));
                } else if (name.startsWith(SCHEMA_FOLDER) && name.endsWith(SCHEMA_SUFFIX)) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        schemas.put(name.substring(SCHEMA_FOLDER.length(), name.length() - SCHEMA_SUFFIX.length()),
                                new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                } else if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class")) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        ClassScan scan = ClassScan.read(in.readAllBytes());
                        classes.put(scan.name(), scan);
                    } catch (RuntimeException e) {
                        // ASM refuses a damaged class file, or one newer than it knows.
                        throw new IOException(name + " is not a class file ASM can read: " + e, e);
                    }
                }
            }
            return new PluginJar(file, attributes, index, classes, schemas);
        }
    }

    private static List<String> indexLines(JarFile jar, JarEntry entry) throws IOException {
        try (InputStream in = jar.getInputStream(entry)) {
            List<String> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    lines.add(trimmed);
                }
            }
            return lines;
        }
    }

    /** The value of a manifest attribute, if present and not blank. */
    Optional<String> attribute(String name) {
        return Optional.ofNullable(attributes.get(name)).filter(value -> !value.isBlank());
    }

    /** The plugin ids of {@code Plugin-Dependencies}, optional ones ({@code id?}) included, without versions. */
    List<String> dependencies() {
        List<String> ids = new ArrayList<>();
        for (String dependency : attribute("Plugin-Dependencies").orElse("").split(",")) {
            String id = dependency.strip().split("@")[0].replace("?", "").strip();
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return ids;
    }

    String fileName() {
        return file.getFileName().toString();
    }
}
