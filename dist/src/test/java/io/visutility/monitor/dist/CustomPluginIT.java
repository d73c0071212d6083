package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.visutility.monitor.dist.Distribution.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third party's plugin: {@code examples/custom-strategy-plugin} is built with Maven outside the
 * reactor, against plugin-api alone, and its jar is dropped into the plugins folder.
 */
class CustomPluginIT {

    private static final Path EXAMPLE = Path.of(System.getProperty("examples.dir", "../examples"))
            .resolve("custom-strategy-plugin").toAbsolutePath().normalize();

    @TempDir
    Path root;

    @Test
    void aStrategyBuiltOutsideTheRepositoryDrivesTheRetrainingTrigger() throws Exception {
        Path jar = buildExample(root.resolve("example"));
        Distribution dist = new Distribution(root.resolve("install"));
        Files.copy(jar, dist.plugins().resolve(jar.getFileName()));
        dist.writeManifest("""
                observers:
                  - name: slow-model-alarm
                    type: retraining-trigger
                    events: [inference_latency]
                    strategy:
                      type: latency-budget
                      config: {budget_ms: 200, consecutive: 3}
                """);
        Path events = dist.writeFile("events.jsonl", """
                {"type":"inference_latency","model":"ranker","version":"v7","latency_ms":150}
                {"type":"inference_latency","model":"ranker","version":"v7","latency_ms":250}
                {"type":"inference_latency","model":"ranker","version":"v7","latency_ms":260}
                {"type":"inference_latency","model":"other","version":"v1","latency_ms":900}
                {"type":"inference_latency","model":"ranker","version":"v7","latency_ms":270}
                """);

        Result plugins = dist.run("plugins", "--config", dist.manifest().toString());
        assertThat(plugins.stdout()).contains("latency-budget-strategy 1.0.0", "strategy: latency-budget");

        Result result = dist.run("run", "--config", dist.manifest().toString(), "--replay", events.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).containsPattern("retraining triggered model=ranker version=v7 "
                + "strategy=latency-budget at=\\S+ reason=3 latencies in a row over the 200 ms budget");
        assertThat(result.count("retraining triggered")).isEqualTo(1);
    }

    /** Copies the example out of the repository and runs {@code mvn package} on it. */
    private static Path buildExample(Path dir) throws Exception {
        copyTree(EXAMPLE, dir);
        String mavenHome = System.getProperty("maven.home");
        String mvn = mavenHome == null ? "mvn" : Path.of(mavenHome, "bin", "mvn").toString();
        List<String> command = new ArrayList<>(List.of(mvn, "-B", "-q", "package"));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null) {
            command.add("-Dmaven.repo.local=" + repo);
        }
        Path log = dir.resolve("build.log");
        Process build = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!build.waitFor(5, TimeUnit.MINUTES) || build.exitValue() != 0) {
            build.destroyForcibly();
            throw new AssertionError("building the example plugin failed:\n" + Files.readString(log));
        }
        return dir.resolve("target/latency-budget-strategy-1.0.0.jar");
    }

    private static void copyTree(Path from, Path to) throws IOException {
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
