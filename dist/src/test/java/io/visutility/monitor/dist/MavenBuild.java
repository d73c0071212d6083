package io.visutility.monitor.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs Maven on a project outside the reactor, as a plugin author would, against the local repository. */
final class MavenBuild {

    /** The Temurin 25 JDK these machines carry, to build with a javac of 23 or later; absent elsewhere. */
    static final Path JDK_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    private MavenBuild() {
    }

    /**
     * Runs {@code mvn -B -q ARGS} in {@code dir}, with {@code javaHome} as JAVA_HOME (null: this JVM's).
     *
     * @throws AssertionError with Maven's output if the build fails
     */
    static void run(Path dir, Path javaHome, String... args) throws Exception {
        refreshReactorArtifacts();
        String mavenHome = System.getProperty("maven.home");
        String mvn = mavenHome == null ? "mvn" : Path.of(mavenHome, "bin", "mvn").toString();
        List<String> command = new ArrayList<>(List.of(mvn, "-B", "-q"));
        command.addAll(List.of(args));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null) {
            command.add("-Dmaven.repo.local=" + repo);
        }
        Path log = Files.createTempFile(dir.getParent(), "maven", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", (javaHome == null ? Path.of(System.getProperty("java.home")) : javaHome).toString());
        builder.environment().remove("MAVEN_OPTS");
        Process build = builder.start();
        if (!build.waitFor(5, TimeUnit.MINUTES) || build.exitValue() != 0) {
            build.destroyForcibly();
            throw new AssertionError("mvn " + String.join(" ", args) + " in " + dir + " failed:\n" + Files.readString(log));
        }
    }

    /**
     * Puts this reactor's parent pom, plugin-api, host and plugin-testkit into the local repository
     * again, as {@code mvn install} left them: the repository may be shared with other checkouts of
     * the same version, whose installs would otherwise be what the project builds against.
     */
    private static synchronized void refreshReactorArtifacts() throws IOException {
        String repo = System.getProperty("maven.repo.local");
        String version = System.getProperty("monitor.version");
        if (repo == null || version == null) {
            return;
        }
        Path reactor = ManifestValidator.REPOSITORY;
        Path group = Path.of(repo, "io", "visutility", "monitor");
        copy(reactor.resolve("pom.xml"), group.resolve("visutility-monitor-parent/" + version
                + "/visutility-monitor-parent-" + version + ".pom"));
        for (String module : List.of("plugin-api", "host", "plugin-testkit")) {
            Path target = group.resolve(module + "/" + version);
            copy(reactor.resolve(module + "/pom.xml"), target.resolve(module + "-" + version + ".pom"));
            copy(reactor.resolve(module + "/target/" + module + "-" + version + ".jar"),
                    target.resolve(module + "-" + version + ".jar"));
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        if (Files.exists(from)) {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Copies a project (without its target/) to {@code to}. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.filter(p -> !from.relativize(p).startsWith("target")).toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
