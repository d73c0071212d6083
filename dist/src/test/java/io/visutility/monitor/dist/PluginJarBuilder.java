package io.visutility.monitor.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles Java sources against the distribution's {@code lib/} (PF4J's annotation processor runs
 * as javac finds it there) and packs the classes into a plugin jar: a third party's build, made in
 * a test so that each jar can be wrong in exactly one way.
 */
final class PluginJarBuilder {

    private final Path work;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final List<String> leftOut = new ArrayList<>();
    private final List<Path> extraJars = new ArrayList<>();
    private final Map<String, String> resources = new LinkedHashMap<>();
    private final List<Path> compileAgainst = new ArrayList<>();

    PluginJarBuilder(Path work, String pluginId) {
        this.work = work;
        attributes.put("Plugin-Id", pluginId);
        attributes.put("Plugin-Version", "1.0.0");
        attributes.put("Plugin-Requires", ">=0.1.0 & <1.0.0");
    }

    /** Adds a source file: {@code className} such as {@code com.example.Foo}. */
    PluginJarBuilder source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    PluginJarBuilder attribute(String name, String value) {
        attributes.put(name, value);
        return this;
    }

    /** Adds a resource file, e.g. {@code META-INF/monitor/x.schema.json}. */
    PluginJarBuilder resource(String name, String content) {
        resources.put(name, content);
        return this;
    }

    /** Compiles {@code className} but leaves its class file out of the jar. */
    PluginJarBuilder leaveOut(String className) {
        leftOut.add(className.replace('.', '/') + ".class");
        return this;
    }

    /** Compiles against another plugin's jar too, as a plugin does against a plugin it depends on. */
    PluginJarBuilder compiledAgainst(Path jar) {
        compileAgainst.add(jar);
        return this;
    }

    /** Copies every class of {@code jar} into the plugin jar too (a bundled library). */
    PluginJarBuilder bundle(Path jar) {
        extraJars.add(jar);
        return this;
    }

    /** Compiles and packs; returns the jar. */
    Path build(String jarName) throws IOException {
        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            files.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        List<String> options = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(),
                "-cp", libClassPath() + compileAgainst.stream().map(jar -> java.io.File.pathSeparator + jar)
                        .collect(java.util.stream.Collectors.joining())));
        if (Runtime.version().feature() >= 21) {
            options.add("-proc:full"); // javac 23 and later run no processor found on the class path without it
        }
        options.addAll(files);
        if (javac.run(null, log, log, options.toArray(String[]::new)) != 0) {
            throw new AssertionError("javac failed:\n" + log);
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.forEach((key, value) -> manifest.getMainAttributes().put(new Attributes.Name(key), value));
        Path jar = work.resolve(jarName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             Stream<Path> compiled = Files.walk(classes)) {
            for (Path file : compiled.filter(Files::isRegularFile).sorted().toList()) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                if (!leftOut.contains(name)) {
                    out.putNextEntry(new JarEntry(name));
                    out.write(Files.readAllBytes(file));
                    out.closeEntry();
                }
            }
            for (Map.Entry<String, String> resource : resources.entrySet()) {
                out.putNextEntry(new JarEntry(resource.getKey()));
                out.write(resource.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.closeEntry();
            }
            for (Path extra : extraJars) {
                copyClasses(extra, out);
            }
        }
        return jar;
    }

    private static void copyClasses(Path jar, JarOutputStream out) throws IOException {
        try (java.util.jar.JarFile in = new java.util.jar.JarFile(jar.toFile())) {
            for (JarEntry entry : java.util.Collections.list(in.entries())) {
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (var data = in.getInputStream(entry)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
    }

    private static String libClassPath() throws IOException {
        try (Stream<Path> jars = Files.list(Distribution.HOME.resolve("lib"))) {
            return String.join(java.io.File.pathSeparator, jars.map(Path::toString).sorted().toList());
        }
    }

    /** The distribution's copy of a library, by file name prefix such as {@code plugin-api-}. */
    static Path lib(String prefix) throws IOException {
        try (Stream<Path> jars = Files.list(Distribution.HOME.resolve("lib"))) {
            return jars.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        }
    }

}
