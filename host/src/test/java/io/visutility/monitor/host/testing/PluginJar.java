package io.visutility.monitor.host.testing;

import io.visutility.monitor.api.Observer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * Builds a real plugin jar as a plugin's own build would: observer classes compiled with
 * {@code javax.tools} and PF4J's annotation processor (which writes {@code META-INF/extensions.idx}),
 * and a {@code META-INF/MANIFEST.MF} with {@code Plugin-Id}, {@code Plugin-Version} and, if set,
 * {@code Plugin-Requires}. Each observer type records what it does in the {@link Journal}, reads the
 * config key {@code label}, and fails to start when {@code fail: true}.
 *
 * <p>Not thread-safe; one builder per jar.
 */
public final class PluginJar {

    private final String id;
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final List<String> observerTypes = new ArrayList<>();
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<Path> compileAgainst = new ArrayList<>();
    private boolean index = true;

    private PluginJar(String id) {
        this.id = id;
        attributes.put("Plugin-Id", id);
        attributes.put("Plugin-Version", "1.0.0");
    }

    /** A plugin with this {@code Plugin-Id}, version 1.0.0, no observer type yet. */
    public static PluginJar plugin(String id) {
        return new PluginJar(id);
    }

    public PluginJar version(String version) {
        return attribute("Plugin-Version", version);
    }

    /** Sets a manifest attribute; null removes it. */
    public PluginJar attribute(String name, String value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
        return this;
    }

    /** Adds an observer class with {@code @ExtensionType(type)}. */
    public PluginJar observer(String type) {
        observerTypes.add(type);
        return this;
    }

    /** Declares {@code Plugin-Dependencies}, in PF4J's syntax ({@code lib@>=1.0.0, other?}). */
    public PluginJar dependsOn(String dependencies) {
        return attribute("Plugin-Dependencies", dependencies);
    }

    /** Adds a class of its own: {@code className} such as {@code lib.Greeting}, and its source. */
    public PluginJar source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** Compiles against another plugin's jar too, as a plugin compiles against a plugin it depends on. */
    public PluginJar compiledAgainst(Path jar) {
        compileAgainst.add(jar);
        return this;
    }

    /** Leaves {@code META-INF/extensions.idx} out, as a build without PF4J's processor does. */
    public PluginJar withoutIndex() {
        index = false;
        return this;
    }

    /** Compiles the classes and writes the jar to {@code jar}; returns {@code jar}. */
    public Path writeTo(Path jar) throws IOException {
        Path classes = Files.createTempDirectory("plugin-classes-");
        try {
            compile(classes);
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            attributes.forEach((name, value) -> manifest.getMainAttributes().put(new Attributes.Name(name), value));
            try (OutputStream file = Files.newOutputStream(jar);
                 JarOutputStream out = new JarOutputStream(file, manifest);
                 Stream<Path> entries = Files.walk(classes)) {
                for (Path entry : entries.filter(Files::isRegularFile).sorted().toList()) {
                    String name = classes.relativize(entry).toString().replace('\\', '/');
                    if (index || !name.equals("META-INF/extensions.idx")) {
                        out.putNextEntry(new JarEntry(name));
                        out.write(Files.readAllBytes(entry));
                        out.closeEntry();
                    }
                }
            }
            return jar;
        } finally {
            try (Stream<Path> paths = Files.walk(classes)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private void compile(Path classes) throws IOException {
        Path sourceDir = classes.resolve("src");
        String pkg = "plugin." + id.replaceAll("[^A-Za-z0-9]", "_") + ".v"
                + attributes.getOrDefault("Plugin-Version", "none").replaceAll("[^A-Za-z0-9]", "_");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < observerTypes.size(); i++) {
            String className = "Observer" + i;
            Path source = sourceDir.resolve(pkg.replace('.', '/')).resolve(className + ".java");
            Files.createDirectories(source.getParent());
            Files.writeString(source, observerSource(pkg, className, observerTypes.get(i)));
            files.add(source);
        }
        for (Map.Entry<String, String> own : sources.entrySet()) {
            Path source = sources(sourceDir, own.getKey());
            Files.createDirectories(source.getParent());
            Files.writeString(source, own.getValue());
            files.add(source);
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(diagnostics, null, null)) {
            List<String> options = List.of("--release", "17", "-d", classes.toString(), "-classpath", classpath(compileAgainst),
                    "-processor", "org.pf4j.processor.ExtensionAnnotationProcessor");
            boolean ok = files.isEmpty() || compiler.getTask(null, fileManager, diagnostics, options, null,
                    fileManager.getJavaFileObjectsFromPaths(files)).call();
            if (!ok) {
                throw new IllegalStateException("compiling the test plugin failed: " + diagnostics.getDiagnostics());
            }
        }
        if (Files.exists(sourceDir)) {
            try (Stream<Path> paths = Files.walk(sourceDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static Path sources(Path root, String className) {
        return root.resolve(className.replace('.', '/') + ".java");
    }

    private String observerSource(String pkg, String className, String type) {
        String version = attributes.getOrDefault("Plugin-Version", "none");
        return """
                package %s;

                import io.visutility.monitor.api.ExtensionType;
                import io.visutility.monitor.api.ModelMetricEvent;
                import io.visutility.monitor.api.Observer;
                import io.visutility.monitor.api.ObserverContext;
                import io.visutility.monitor.host.testing.Journal;

                @org.pf4j.Extension
                @ExtensionType("%s")
                public class %s implements Observer {
                    private final int instance = Journal.newInstance();
                    private String name;

                    @Override
                    public void start(ObserverContext context) {
                        this.context = context;
                        name = context.name();
                        String label = context.settings().getString("label", "");
                        if (context.settings().getBoolean("fail", false)) {
                            throw new IllegalStateException("asked to fail");
                        }
                        Journal.record(name + " #" + instance + " start %s label=" + label);
                    }

                    private ObserverContext context;

                    @Override
                    public void onEvent(ModelMetricEvent event) {
                        Journal.record(name + " #" + instance + " " + event.type() + " " + event.model().name());
                        if (event instanceof io.visutility.monitor.api.ConceptDrift concept) {
                            // a detector of its own: drift at p <= 0.01, reported to the host
                            boolean drift = concept.pValue() <= 0.01;
                            context.reportVerdict(event.model(), event.timestamp(), drift
                                    ? io.visutility.monitor.api.Verdict.drift(0.01 / concept.pValue(), "p low")
                                    : io.visutility.monitor.api.Verdict.stable(0.01 / concept.pValue()), drift);
                        }
                    }

                    @Override
                    public void stop() {
                        Journal.record(name + " #" + instance + " stop");
                    }
                }
                """.formatted(pkg, type, className, version);
    }

    /** The plugin API, PF4J (with its processor), SLF4J and this class: what a plugin compiles against. */
    private static String classpath(List<Path> plugins) {
        List<String> entries = new ArrayList<>();
        plugins.forEach(jar -> entries.add(jar.toString()));
        for (Class<?> type : List.of(Observer.class, Extension.class, Logger.class, Journal.class)) {
            try {
                entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new UncheckedIOException(new IOException("no path for " + type, e));
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
