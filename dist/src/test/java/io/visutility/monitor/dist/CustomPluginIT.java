package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.visutility.monitor.dist.Distribution.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Third parties' plugins: {@code examples/custom-strategy-plugin},
 * {@code examples/custom-observer-plugin} and {@code examples/alert-plugins} (a plugin's own
 * extension point and a plugin that extends it) are built with Maven outside the reactor, against
 * plugin-api alone (their tests against plugin-testkit), and their jars dropped into the plugins folder.
 */
class CustomPluginIT {

    private static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "../examples")).toAbsolutePath().normalize();

    @TempDir
    Path root;

    @Test
    void aStrategyBuiltOutsideTheRepositoryDrivesTheRetrainingTrigger() throws Exception {
        Path jar = buildExample("custom-strategy-plugin", null).resolve("target/latency-budget-strategy-1.0.0.jar");
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
                + "strategy=latency-budget at=\\S+ reason=\"3 latencies in a row over the 200 ms budget\"");
        assertThat(result.count("retraining triggered")).isEqualTo(1);
    }

    @Test
    void anObserverBuiltOutsideTheRepositoryLogsSlowModels() throws Exception {
        Path jar = buildExample("custom-observer-plugin", null).resolve("target/slow-model-observer-1.0.0.jar");
        Distribution dist = new Distribution(root.resolve("install"));
        Files.copy(jar, dist.plugins().resolve(jar.getFileName()));
        dist.writeManifest("""
                observers:
                  - name: slow
                    type: slow-model
                    events: [inference_latency]
                    config: {budget_ms: 200}
                """);
        Path events = dist.writeFile("events.jsonl", """
                {"type":"inference_latency","model":"ranker","version":"v7","latency_ms":150}
                {"type":"inference_latency","model":"ranker","version":"v7","latency_ms":250}
                """);

        Result verify = dist.run("verify-plugin", jar.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.stdout()).contains("slow-model-observer-1.0.0.jar: ok: plugin slow-model-observer 1.0.0 loads "
                + "on host " + Distribution.VERSION + "; provides observer slow-model");

        Result result = dist.run("run", "--config", dist.manifest().toString(), "--replay", events.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).contains("model=ranker version=v7 took 250 ms, over its 200 ms budget")
                .doesNotContain("took 150 ms");
    }

    @Test
    void bothExamplesBuildWithAJdk25CompilerAndKeepTheirExtensionIndex() throws Exception {
        assumeTrue(Files.isDirectory(MavenBuild.JDK_25), "no JDK 25 at " + MavenBuild.JDK_25);
        Distribution dist = new Distribution(root.resolve("install"));
        Path strategy = buildExample("custom-strategy-plugin", MavenBuild.JDK_25)
                .resolve("target/latency-budget-strategy-1.0.0.jar");
        Path observer = buildExample("custom-observer-plugin", MavenBuild.JDK_25)
                .resolve("target/slow-model-observer-1.0.0.jar");
        for (Path jar : new Path[] {strategy, observer}) {
            try (JarFile file = new JarFile(jar.toFile())) {
                assertThat(file.getEntry("META-INF/extensions.idx")).as(jar + " has an extension index").isNotNull();
            }
        }

        Result verify = dist.run("verify-plugin", strategy.toString(), observer.toString());

        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.stdout()).contains("provides strategy latency-budget", "provides observer slow-model");
    }

    @Test
    void aPluginFindsTheExtensionsAnotherPluginContributesToItsOwnExtensionPoint() throws Exception {
        Path dir = root.resolve("alert-plugins");
        MavenBuild.copyTree(EXAMPLES.resolve("alert-plugins"), dir);
        MavenBuild.run(dir, null, "package");
        assertThat(dir.resolve("alerts/target/surefire-reports")).as("the example's own test ran").isDirectory();
        Path alerts = dir.resolve("alerts/target/alerts-1.0.0.jar");
        Path notifier = dir.resolve("log-notifier/target/log-notifier-1.0.0.jar");
        Distribution dist = new Distribution(root.resolve("install"));
        Files.copy(alerts, dist.plugins().resolve(alerts.getFileName()));
        Files.copy(notifier, dist.plugins().resolve(notifier.getFileName()));
        dist.writeManifest("""
                observers:
                  - name: alerts
                    type: alerts
                    events: [concept_drift]
                    config: {alpha: 0.01}
                """);
        Path events = dist.writeFile("events.jsonl", """
                {"type":"concept_drift","model":"fraud","version":"v2","p_value":0.2}
                {"type":"concept_drift","model":"fraud","version":"v2","p_value":0.003}
                """);

        Result verify = dist.run("verify-plugin", "--plugins", dist.plugins().toString(), alerts.toString(),
                notifier.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.stdout()).contains("alerts-1.0.0.jar: ok: plugin alerts 1.0.0 loads on host " + Distribution.VERSION + "; "
                + "provides observer alerts", "log-notifier-1.0.0.jar: ok: plugin log-notifier 1.0.0 loads on host " + Distribution.VERSION);

        Result result = dist.run("run", "--config", dist.manifest().toString(), "--replay", events.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).contains("observer.alerts - sending alerts through [log]",
                "notifier.log - ALERT concept drift on fraud@v2: p_value 0.003 <= 0.01");
        assertThat(result.count("ALERT")).isEqualTo(1);
    }

    /** Copies an example out of the repository and runs {@code mvn package} on it (its tests included). */
    private Path buildExample(String name, Path javaHome) throws Exception {
        Path dir = root.resolve(name + (javaHome == null ? "" : "-" + javaHome.getFileName()));
        MavenBuild.copyTree(EXAMPLES.resolve(name), dir);
        MavenBuild.run(dir, javaHome, "package");
        assertThat(dir.resolve("target/surefire-reports")).as("the example's own tests ran").isDirectory();
        return dir;
    }
}
