package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.dist.Distribution.Result;
import io.visutility.monitor.dist.Distribution.Started;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The assembled distribution, run as a separate process, as a user runs it. */
class MonitorDistributionIT {

    private static final String TRIGGER = "retraining triggered model=";

    @TempDir
    Path root;

    private Distribution dist;

    @BeforeEach
    void install() throws Exception {
        dist = new Distribution(root);
    }

    @Test
    void bundledConfigReplaysTheSampleAndTriggersRetrainingForTheDriftingModelOnly() throws Exception {
        // no --config: the launcher's default is the installation's conf/monitor.yaml
        Result result = dist.run("run", "--replay", Distribution.HOME.resolve("examples/events.jsonl").toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("replayed 60 events, rejected 0\n");
        assertThat(result.count("observer.console - ")).isEqualTo(60);
        assertThat(result.count(TRIGGER)).as(result.toString()).isEqualTo(1);
        assertThat(result.stderr()).contains("retraining triggered model=object_detector version=v1.2.3 "
                + "strategy=p-value at=2026-11-26T10:20:00Z reason=\"concept drift p-value 0.004 <= alpha 0.01\"");
        assertThat(result.count("observer 'console' stopped; received 60, delivered 60, failed 0, dropped 0")).isEqualTo(1);
        assertThat(result.count("observer 'retrain-on-concept-drift' stopped; received 20, delivered 20, failed 0, dropped 0")).isEqualTo(1);
    }

    @Test
    void withoutIngestKafkaNoKafkaClassIsLoaded() throws Exception {
        Distribution.Started started = dist.start(Map.of("JAVA_OPTS", "-verbose:class"),
                "run", "--replay", Distribution.HOME.resolve("examples/events.jsonl").toString());
        Result result = started.await(60);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("[class,load] io.visutility.monitor.host.cli.RunCommand ")
                .doesNotContain("org.apache.kafka", "io.visutility.monitor.host.cluster");
    }

    @Test
    void theJsonlSinkWritesAFileThatReplaysToTheSameEvents() throws Exception {
        Path out = root.resolve("archive/events.jsonl");
        dist.writeManifest("""
                observers:
                  - name: archive
                    type: jsonl-sink
                    config: {path: %s}
                """.formatted(out));
        Path sample = Distribution.HOME.resolve("examples/events.jsonl");

        Result result = dist.run("run", "--config", dist.manifest().toString(), "--replay", sample.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(Files.readAllLines(out)).isEqualTo(Files.readAllLines(sample));
    }

    @Test
    void pluginsListsEveryBundledTypeAndValidatePasses() throws Exception {
        Result plugins = dist.run("plugins", "--config", dist.manifest().toString());
        assertThat(plugins.exitCode()).as(plugins.toString()).isZero();
        assertThat(plugins.stdout()).contains(
                "console-logger " + Distribution.VERSION + " (console-logger-" + Distribution.VERSION + ".jar)", "observer: console-logger",
                "retraining-trigger " + Distribution.VERSION, "observer: retraining-trigger",
                "drift-strategies " + Distribution.VERSION, "strategy: fixed-threshold", "strategy: p-value");

        Result validate = dist.run("validate", "--config", dist.manifest().toString());
        assertThat(validate.exitCode()).as(validate.toString()).isZero();
        assertThat(validate.stdout()).contains(": ok; observers: console, retrain-on-concept-drift");
    }

    @Test
    void brokenJarsAreReportedByNameAndTheOthersStillLoad() throws Exception {
        Files.write(dist.plugins().resolve("corrupt.jar"), "this is not a zip file".getBytes(StandardCharsets.UTF_8));
        Distribution.copyWithManifest(Distribution.bundledPlugin("drift-strategies"),
                dist.plugins().resolve("future-strategies.jar"),
                Map.of("Plugin-Id", "future-strategies", "Plugin-Requires", ">=9.0.0"));
        Distribution.copyWithManifest(Distribution.bundledPlugin("console-logger"),
                dist.plugins().resolve("z-duplicate-console.jar"), Map.of());
        // A hidden jar (a copy in progress) sorts first; loaded, it would push the real one out.
        Distribution.copyWithManifest(Distribution.bundledPlugin("console-logger"),
                dist.plugins().resolve(".partial-console.jar"), Map.of());
        Distribution.writeIndexOnlyJar(dist.plugins().resolve("ghost.jar"),
                Map.of("Plugin-Id", "ghost-plugin", "Plugin-Version", "1.0.0"), "com.example.ghost.MissingObserver");
        Files.copy(Distribution.bundledPlugin("drift-strategies"), dist.plugins().resolve("no-descriptor.jar"));
        Distribution.rewriteWithout(dist.plugins().resolve("no-descriptor.jar"), "META-INF/MANIFEST.MF");
        Distribution.copyWithManifest(Distribution.bundledPlugin("drift-strategies"),
                dist.plugins().resolve("no-index.jar"), Map.of("Plugin-Id", "no-index"));
        Distribution.rewriteWithout(dist.plugins().resolve("no-index.jar"), "META-INF/extensions.idx");
        Path events = dist.writeFile("events.jsonl",
                "{\"type\":\"concept_drift\",\"model\":\"m\",\"version\":\"v1\",\"p_value\":0.001}\n");

        Result result = dist.run("run", "--config", dist.manifest().toString(), "--replay", events.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).contains(
                "plugin corrupt.jar skipped: not a valid jar file",
                "plugin future-strategies.jar skipped: plugin future-strategies requires host version '>=9.0.0'"
                        + " (Plugin-Requires), this host is " + Distribution.VERSION,
                "plugin z-duplicate-console.jar skipped: plugin id 'console-logger' is already loaded from "
                        + "console-logger-" + Distribution.VERSION + ".jar",
                "plugin ghost.jar skipped: extension class com.example.ghost.MissingObserver cannot be loaded",
                "plugin no-descriptor.jar skipped: not a plugin jar: no META-INF/MANIFEST.MF",
                "plugin no-index.jar skipped: no META-INF/extensions.idx, so no observers or strategies");
        assertThat(result.stderr()).contains("loaded plugin console-logger " + Distribution.VERSION + " from console-logger-" + Distribution.VERSION + ".jar")
                .doesNotContain(".partial-console.jar");
        assertThat(result.count(TRIGGER)).as(result.toString()).isEqualTo(1);
        assertThat(result.stdout()).isEqualTo("replayed 1 events, rejected 0\n");

        Result plugins = dist.run("plugins", "--config", dist.manifest().toString());
        assertThat(plugins.exitCode()).as(plugins.toString()).isEqualTo(1);
        assertThat(plugins.stdout()).contains("FAILED corrupt.jar: not a valid jar file", "FAILED ghost.jar",
                "strategy: p-value").doesNotContain("ghost-plugin");
        assertThat(plugins.stderr()).contains("6 of 12 jars failed to load");
    }

    @Test
    void aPinnedJarWhoseDigestDiffersIsRefusedWithBothDigests() throws Exception {
        Path console = Distribution.bundledPlugin("console-logger");
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(console)));
        String wrong = "0".repeat(64);
        dist.writeManifest("""
                plugins:
                  dir: ../plugins
                  verify: {console-logger: %s, drift-strategies: %s}
                observers:
                  - name: console
                    type: console-logger
                """.formatted(wrong, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(Distribution.bundledPlugin("drift-strategies"))))));

        Result refused = dist.run("validate", "--config", dist.manifest().toString());

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.stderr()).contains("plugin " + console.getFileName() + " skipped: refused: its SHA-256 is "
                + actual + " but plugins.verify pins " + wrong + " for plugin console-logger",
                "unknown observer type 'console-logger'");

        dist.writeManifest(Files.readString(dist.manifest()).replace(wrong, actual));
        Result accepted = dist.run("validate", "--config", dist.manifest().toString());
        assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown type      | observers:\\n  - name: console\\n    type: consol-logger                                                                        | monitor.yaml:3: observer 'console' type: unknown observer type 'consol-logger'; known: console-logger, jsonl-sink, prometheus-model-metrics, retraining-trigger, webhook
            unknown strategy  | observers:\\n  - name: r\\n    type: retraining-trigger\\n    strategy: {type: p-valeu}                                | monitor.yaml:4: observer 'r' strategy.type: unknown strategy type 'p-valeu'; known: adwin, cusum, ewma, fixed-threshold, p-value, page-hinkley
            duplicate name    | observers:\\n  - name: console\\n    type: console-logger\\n  - name: console\\n    type: console-logger               | monitor.yaml:4: observers[1].name: duplicate observer name 'console' (first defined at line 2)
            wrong value type  | observers:\\n  - name: r\\n    type: retraining-trigger\\n    strategy:\\n      type: fixed-threshold\\n      config:\\n        threshold: high | monitor.yaml:7: observer 'r' strategy 'fixed-threshold': key 'threshold': expected a number, got 'high'
            value out of range| observers:\\n  - name: r\\n    type: retraining-trigger\\n    strategy:\\n      type: p-value\\n      config: {alpha: 1.5}     | monitor.yaml:6: observer 'r' strategy 'p-value': key 'alpha': must be in (0,1), got 1.5
            misspelt key      | observers:\\n  - name: r\\n    type: retraining-trigger\\n    strategy:\\n      type: p-value\\n      config: {alpah: 0.01}    | monitor.yaml:6: observer 'r' strategy 'p-value': key 'alpah': unknown key for strategy p-value; it reads: alpha
            bad cooldown      | observers:\\n  - name: r\\n    type: retraining-trigger\\n    strategy: {type: p-value}\\n    config:\\n      cooldown: 10 | monitor.yaml:6: observer 'r': key 'cooldown': expected a duration such as 250ms, 10s, 5m, 2h or 1d, got 10
            missing strategy  | observers:\\n  - name: r\\n    type: retraining-trigger                                                                   | monitor.yaml:2: observer 'r': type retraining-trigger needs a drift strategy
            bad YAML syntax   | observers:\\n  - name: console\\n    type: [console-logger\\n  - name: x                                                 | monitor.yaml:4: YAML syntax: expected ',' or ']', but got ':' (the flow sequence opened at line 3, column 11)
            unknown key       | observers:\\n  - name: console\\n    type: console-logger\\n    level: debug                                               | monitor.yaml:4: observers[0].level: unknown key 'level'; valid keys: name, type, enabled, events, models, strategy, config, dispatch
            """)
    void aBadManifestExitsWithCodeTwoNamingTheLine(String description, String yaml, String expected) throws Exception {
        dist.writeManifest(yaml.replace("\\n", "\n"));
        Path events = dist.writeFile("events.jsonl", "");
        for (String[] command : new String[][] {
                {"validate", "--config", dist.manifest().toString()},
                {"run", "--config", dist.manifest().toString(), "--replay", events.toString()}}) {
            Result result = dist.run(command);
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
            assertThat(result.stderr()).as(result.toString()).contains(expected);
            assertThat(result.stdout()).isEmpty();
        }
    }

    @Test
    void anHttpPortInUseExitsWithCodeTwoNamingTheLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dist.writeManifest("""
                    ingest:
                      http:
                        port: %d
                    observers:
                      - name: console
                        type: console-logger
                    """.formatted(taken.getLocalPort()));
            Path events = dist.writeFile("events.jsonl", "");

            Result result = dist.run("run", "--config", dist.manifest().toString(), "--replay", events.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
            assertThat(result.stderr()).contains(dist.manifest() + ":3: http: cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + ": Address already in use");
            assertThat(result.stdout()).isEmpty();
        }
    }

    @Test
    void aReplayReportsEachBadLineAndProcessesTheGoodOnes() throws Exception {
        Path events = dist.writeFile("events.jsonl", """
                {"type":"concept_drift","model":"a","version":"v1","p_value":0.5}
                {"type":"concept_drift","model":"a","version":"v1","p_value":1.7}
                {"type":"inference_latency","model":"a","version":"v1","latency_ms":12}
                {oops
                {"type":"concept_drift","model":"a","version":"v1","p_value":0.001}
                """);

        Result result = dist.run("run", "--config", dist.manifest().toString(), "--replay", events.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("replayed 3 events, rejected 2\n");
        assertThat(result.stderr()).contains(events + ":2: rejected: p_value must be in [0, 1], got 1.7",
                events + ":4: rejected: not valid JSON");
        assertThat(result.count("observer.console - ")).isEqualTo(3);
        assertThat(result.count(TRIGGER)).isEqualTo(1);
    }

    @Test
    void replaysFromStdin() throws Exception {
        Result result = dist.runWithStdin("""
                {"type":"accuracy_drift","model":"a","version":"v1","drift":0.2}
                {"type":"concept_drift","model":"a","version":"v1","p_value":0.002}
                {"type":"oops","model":"a","version":"v1"}
                """, "run", "--config", dist.manifest().toString(), "--replay", "-");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("replayed 2 events, rejected 1\n");
        assertThat(result.stderr()).contains("stdin:3: rejected: unknown type 'oops'",
                "retraining triggered model=a version=v1");
    }

    @Test
    void runWithoutReplayStopsEveryObserverOnceOnSigterm() throws Exception {
        Started started = dist.start("run", "--config", dist.manifest().toString());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> started.stderr().contains("running with observers [console, retrain-on-concept-drift]"));

        started.process().destroy(); // SIGTERM
        Result result = started.await(30);

        assertThat(result.count("observer 'console' stopped")).as(result.toString()).isEqualTo(1);
        assertThat(result.count("observer 'retrain-on-concept-drift' stopped")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown flag        | 2 | run --bogus                       | Unknown option: '--bogus'
            no subcommand       | 2 | ''                                | a subcommand is required
            missing replay file | 2 | run --replay /nonexistent.jsonl   | --replay: no such file: /nonexistent.jsonl
            replay a directory  | 2 | run --replay /tmp                 | --replay: is a directory, not a JSON-lines file: /tmp
            missing manifest    | 2 | validate --config /nonexistent.yaml | /nonexistent.yaml: no such file
            """)
    void badUsageExitsWithCodeTwo(String description, int code, String args, String expected) throws Exception {
        Result result = dist.run(args.isBlank() ? new String[0] : args.split(" "));
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(code);
        assertThat(result.stderr()).contains(expected);
    }

    @Test
    void helpListsTheSubcommandsAndExitCodes() throws Exception {
        Result result = dist.run("--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains("run", "validate", "plugins", "2   bad usage or bad config");
    }
}
