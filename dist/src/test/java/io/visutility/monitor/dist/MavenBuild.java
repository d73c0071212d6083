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
