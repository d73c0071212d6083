package io.visutility.monitor.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The assembled distribution under test ({@code dist/target/visutility-monitor}), and a private
 * installation of it per test: its own {@code conf/} and {@code plugins/}, the shared
 * {@code bin/} and {@code lib/}.
 */
final class Distribution {

    static final Path HOME = Path.of(System.getProperty("dist.home", "target/visutility-monitor")).toAbsolutePath();
    /** The version of the host and of its bundled plugins, as the build passes it. */
    static final String VERSION = System.getProperty("monitor.version", "0.2.0-SNAPSHOT");

    private final Path root;

    /** A private installation in {@code root} with the bundled plugins and the default manifest. */
    Distribution(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root.resolve("conf"));
        Files.createDirectories(root.resolve("plugins"));
        for (Path jar : bundledPlugins()) {
            Files.copy(jar, plugins().resolve(jar.getFileName()));
        }
        Files.copy(HOME.resolve("conf/monitor.yaml"), manifest());
    }

    static List<Path> bundledPlugins() throws IOException {
        try (Stream<Path> jars = Files.list(HOME.resolve("plugins"))) {
            return jars.sorted().toList();
        }
    }

    static Path bundledPlugin(String id) throws IOException {
        return bundledPlugins().stream().filter(p -> p.getFileName().toString().startsWith(id + "-"))
                .findFirst().orElseThrow();
    }

    Path plugins() {
        return root.resolve("plugins");
    }

    Path manifest() {
        return root.resolve("conf/monitor.yaml");
    }

    Path writeManifest(String yaml) throws IOException {
        return Files.writeString(manifest(), yaml);
    }

    Path writeFile(String name, String content) throws IOException {
        return Files.writeString(root.resolve(name), content);
    }

    /** Runs {@code bin/monitor args...} to its end, with nothing on stdin. */
    Result run(String... args) throws Exception {
        return runWithStdin(null, args);
    }

    /** Runs {@code bin/monitor args...} to its end, feeding {@code stdin} if not null. */
    Result runWithStdin(String stdin, String... args) throws Exception {
        Started started = start(args);
        try (OutputStream in = started.process().getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        return started.await(60);
    }

    /** Starts {@code bin/monitor args...} with stdout and stderr going to files. */
    Started start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** Starts {@code bin/monitor args...} with extra environment variables. */
    Started start(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(HOME.resolve("bin/monitor").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(root, "stdout", ".txt");
        Path err = Files.createTempFile(root, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("JAVA_OPTS");
        env.putAll(environment);
        return new Started(builder.start(), out, err);
    }

    /** A running {@code monitor} process. */
    record Started(Process process, Path out, Path err) {

        String stderr() throws IOException {
            return Files.readString(err);
        }

        Result await(int seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("monitor did not exit within " + seconds + " s; stderr:\n" + stderr());
            }
            return new Result(process.exitValue(), Files.readString(out), stderr());
        }
    }

    /** What a finished {@code monitor} printed, and its exit code. */
    record Result(int exitCode, String stdout, String stderr) {

        long count(String text) {
            return stderr.lines().filter(line -> line.contains(text)).count();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /**
     * Copies a plugin jar with some of its manifest attributes replaced, e.g. another
     * {@code Plugin-Id} or {@code Plugin-Requires}.
     */
    static void copyWithManifest(Path jar, Path target, Map<String, String> attributes) throws IOException {
        try (JarFile in = new JarFile(jar.toFile())) {
            Manifest manifest = new Manifest(in.getManifest());
            attributes.forEach((key, value) -> manifest.getMainAttributes().put(new Attributes.Name(key), value));
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
                for (JarEntry entry : Collections.list(in.entries())) {
                    if (entry.getName().equals(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream data = in.getInputStream(entry)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
    }

    /** A plugin jar with these manifest attributes whose extension index names a class the jar lacks. */
    static void writeIndexOnlyJar(Path target, Map<String, String> attributes, String extensionClass)
            throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.forEach((key, value) -> manifest.getMainAttributes().put(new Attributes.Name(key), value));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
            out.putNextEntry(new JarEntry("META-INF/extensions.idx"));
            out.write((extensionClass + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    /** Rewrites a jar without one of its entries (its manifest, say, or its extension index). */
    static void rewriteWithout(Path jar, String entryName) throws IOException {
        Path copy = jar.resolveSibling(jar.getFileName() + ".rewrite");
        try (JarFile in = new JarFile(jar.toFile());
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy))) {
            for (JarEntry entry : Collections.list(in.entries())) {
                if (!entry.getName().equals(entryName)) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream data = in.getInputStream(entry)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        Files.move(copy, jar, StandardCopyOption.REPLACE_EXISTING);
    }
}
