package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visutility.monitor.dist.Distribution.Result;
import io.visutility.monitor.dist.Distribution.Started;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table of hostile inputs (events over HTTP, manifest edits, plugin jars) thrown at ONE running
 * host, each with the message a user sees for it; after each, the host still answers
 * {@code /healthz} and takes a valid event, and at the end the console observer has delivered
 * every valid event that was accepted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class HostileInputsIT {

    private static final String TOKEN = "hostile-inputs-token";
    private static final String VALID =
            "{\"type\":\"concept_drift\",\"model\":\"survivor\",\"version\":\"v1\",\"p_value\":0.5}";
    private static final int MAX_BODY = 16 * 1024 * 1024;
    private static final String ZEROS = "0".repeat(64);
    /** The running manifest; every YAML case starts from it, and it is written back after each. */
    private static final String GOOD = """
            plugins:
              dir: ../plugins
            reload:
              watch: true
              debounce: 100ms
            ingest:
              http: {port: 0, token: "${MONITOR_TOKEN}", max_body_bytes: 16777216}
            observers:
              - name: console
                type: console-logger
              - name: retrain
                type: retraining-trigger
                events: [concept_drift]
                strategy:
                  type: p-value
                  config: {alpha: 0.01}
                config: {cooldown: 10m}
            """; // 17 lines: entries appended below start at line 18
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;

    private Distribution dist;
    private Started host;
    private URI base;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private double pluginsLoaded;
    private double pluginsFailed;
    /** Valid events the host said it accepted: each must reach the console observer. */
    private long accepted;
    /** Events the host said it rejected (HTTP items). */
    private long rejected;

    // ------------------------------------------------------------------------------------------
    // The table

    /** What a case does to the host. */
    sealed interface Input permits Line, Request, Yaml, Jar {
    }

    /** One bad NDJSON line, POSTed together with a valid line in the same body. */
    record Line(Supplier<byte[]> bytes) implements Input {
        @Override
        public String toString() {
            return "line";
        }
    }

    /** A whole request; {@code token} null sends none; {@code status} and {@code accepted} are expected. */
    record Request(String method, String contentType, Supplier<byte[]> body, String token, int status,
                   int accepted) implements Input {
        @Override
        public String toString() {
            return method + " " + contentType;
        }
    }

    /** The running manifest overwritten with an edit of the good one; {@code rejected}: the reload must fail. */
    record Yaml(Function<String, byte[]> edit, boolean rejected) implements Input {
        @Override
        public String toString() {
            return "manifest edit";
        }
    }

    /** A jar dropped into the running host's plugins folder (atomically), then deleted. */
    record Jar(String fileName, JarWriter writer) implements Input {
        @Override
        public String toString() {
            return fileName;
        }
    }

    @FunctionalInterface
    interface JarWriter {
        void write(Path target) throws Exception;
    }

    /** {@code {file}} in an expected message is the manifest's path, {@code {plugins}} the plugins folder's. */
    Stream<Arguments> cases() {
        return Stream.of(
                // --- events: POST /v1/events, application/x-ndjson, the bad line then a valid one
                event("malformed JSON", "{oops", "not valid JSON: Unexpected character ('o' (code 111)): "
                        + "was expecting double-quote to start field name"),
                event("wrong field type", "{\"type\":\"concept_drift\",\"model\":7,\"version\":\"v1\",\"p_value\":0.5}",
                        "field 'model' must be a non-blank string, got 7"),
                event("NaN", "{\"type\":\"accuracy_drift\",\"model\":\"m\",\"version\":\"v1\",\"drift\":NaN}",
                        "not valid JSON: Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS`"
                                + " to allow"),
                event("infinite", "{\"type\":\"accuracy_drift\",\"model\":\"m\",\"version\":\"v1\",\"drift\":1e999}",
                        "drift must be a finite number, got Infinity"),
                event("negative latency",
                        "{\"type\":\"inference_latency\",\"model\":\"m\",\"version\":\"v1\",\"latency_ms\":-5}",
                        "latency_ms must be >= 0, got -5"),
                event("latency beyond a long",
                        "{\"type\":\"inference_latency\",\"model\":\"m\",\"version\":\"v1\",\"latency_ms\":"
                                + "99999999999999999999999}",
                        "field 'latency_ms' must be a whole number, got 99999999999999999999999"),
                event("p-value 1.7", "{\"type\":\"concept_drift\",\"model\":\"m\",\"version\":\"v1\",\"p_value\":1.7}",
                        "p_value must be in [0, 1], got 1.7"),
                event("null metric", "{\"type\":\"concept_drift\",\"model\":\"m\",\"version\":\"v1\",\"p_value\":null}",
                        "missing field 'p_value'"),
                event("missing model", "{\"type\":\"concept_drift\",\"version\":\"v1\",\"p_value\":0.5}",
                        "missing field 'model'"),
                event("empty object", "{}", "missing field 'type'"),
                event("not an object", "\"just a string\"", "expected a JSON object"),
                event("unknown event type", "{\"type\":\"data_drift\",\"model\":\"m\",\"version\":\"v1\",\"p_value\":0.5}",
                        "unknown type 'data_drift'; known: inference_latency, accuracy_drift, concept_drift"),
                event("unknown field",
                        "{\"type\":\"concept_drift\",\"model\":\"m\",\"version\":\"v1\",\"p_value\":0.5,\"extra\":1}",
                        "unknown field 'extra' for concept_drift; fields: type, model, version, p_value, ts (optional)"),
                event("duplicate field",
                        "{\"type\":\"concept_drift\",\"model\":\"m\",\"model\":\"n\",\"version\":\"v1\",\"p_value\":0.5}",
                        "not valid JSON: Duplicate field 'model'"),
                event("bad ts",
                        "{\"type\":\"concept_drift\",\"model\":\"m\",\"version\":\"v1\",\"p_value\":0.5,\"ts\":\"yesterday\"}",
                        "field 'ts' must be an ISO-8601 instant such as 2026-11-26T10:00:00Z, got \"yesterday\""),
                event("a 10 MiB line", () -> tenMibLine(), "line of 10485760 bytes is longer than the limit of 65536"),
                event("invalid UTF-8", () -> concat(
                        "{\"type\":\"concept_drift\",\"model\":\"m".getBytes(StandardCharsets.UTF_8),
                        new byte[] {(byte) 0xff, (byte) 0xfe},
                        "\",\"version\":\"v1\",\"p_value\":0.5}".getBytes(StandardCharsets.UTF_8)),
                        "line is not valid UTF-8"),
                event("model name of 300 chars", "{\"type\":\"concept_drift\",\"model\":\"" + "a".repeat(300)
                        + "\",\"version\":\"v1\",\"p_value\":0.5}", "field 'model' is longer than 256 characters"),
                event("a 60 KB value is cut short in the message", "{\"type\":\"accuracy_drift\",\"model\":\"m\","
                        + "\"version\":\"v1\",\"drift\":\"" + "x".repeat(60_000) + "\"}",
                        "field 'drift' must be a number, got \"" + "x".repeat(79) + "... (60002 chars)"),
                event("JSON nested 5000 deep", "[".repeat(5000) + "]".repeat(5000),
                        "not valid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000, from "
                                + "`StreamReadConstraints.getMaxNestingDepth()`)"),
                event("a number of 2000 digits", "{\"type\":\"accuracy_drift\",\"model\":\"m\",\"version\":\"v1\","
                        + "\"drift\":1" + "0".repeat(2000) + "}",
                        "not valid JSON: Number value length (2001) exceeds the maximum allowed (1000, from "
                                + "`StreamReadConstraints.getMaxNumberLength()`)"),
                // half a surrogate pair: no UTF-8 writer (a sink, a log) can write it
                event("a lone surrogate in the model name",
                        "{\"type\":\"concept_drift\",\"model\":\"a\\ud800\",\"version\":\"v1\",\"p_value\":0.5}",
                        "field 'model' holds an unpaired UTF-16 surrogate at character 1"),
                // a line break would let a client forge host log lines through the console logger
                event("line break in the model name", "{\"type\":\"concept_drift\",\"model\":\"evil\\n"
                                + "00:00:00.000 ERROR reload - reload: rejected FORGED\",\"version\":\"v1\",\"p_value\":0.5}",
                        "model name must not contain control characters, found U+000A at index 4"),
                // a producer that forgot a newline: the second event must not be lost silently
                event("two events on one line", VALID + VALID.replace("survivor", "lost-silently"),
                        "not valid JSON: Trailing token (of type START_OBJECT) found after value"),

                // --- events: whole requests with their status
                status("wrong content type", new Request("POST", "text/plain", utf8(VALID), TOKEN, 415, 0),
                        "content type must be application/json or application/x-ndjson, got 'text/plain'"),
                status("missing token", new Request("POST", "application/x-ndjson",
                        utf8(VALID.replace("survivor", "sneaky") + "\n"), null, 401, 0), "missing or wrong bearer token"),
                status("wrong token", new Request("POST", "application/x-ndjson",
                        utf8(VALID.replace("survivor", "sneaky") + "\n"), "guess", 401, 0),
                        "missing or wrong bearer token"),
                status("body over 16 MiB", new Request("POST", "application/x-ndjson", () -> oversizeBody(), TOKEN,
                        413, 0), "body larger than 16777216 bytes"),
                status("GET /v1/events", new Request("GET", "application/json", null, TOKEN, 405, 0), "use POST"),
                status("empty JSON body", new Request("POST", "application/json", utf8(""), TOKEN, 400, 0),
                        "empty body"),
                status("JSON array with a non-object element", new Request("POST", "application/json",
                        utf8("[42, " + VALID + "]"), TOKEN, 202, 1), "expected a JSON object"),
                status("JSON body not UTF-8", new Request("POST", "application/json", () -> concat(
                        "{\"type\":\"concept_drift\",\"model\":\"".getBytes(StandardCharsets.UTF_8),
                        new byte[] {(byte) 0xc3, (byte) 0x28}, "\"}".getBytes(StandardCharsets.UTF_8)), TOKEN, 400, 0),
                        "body is not valid UTF-8"),
                status("JSON document of invalid events only", new Request("POST", "application/json",
                        utf8("[{\"type\":\"nope\"}]"), TOKEN, 400, 0), "unknown type 'nope'"),

                // --- YAML: the running manifest overwritten; the reload is rejected and the host keeps going
                yaml("YAML syntax error", good -> good + "  - name: broken\n    type: [console-logger\n", true,
                        "{file}:20: YAML syntax: expected ',' or ']', but got <stream end> (the flow sequence opened at "
                                + "line 19, column 11)"),
                yaml("global tag", good -> good + "  - name: evil\n    type: console-logger\n    config: {x: "
                                + "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL "
                                + "[\"http://x\"]]]]}\n", true,
                        "{file}:20: YAML syntax: Global tag is not allowed: tag:yaml.org,2002:javax.script.ScriptEngineManager"),
                yaml("billion laughs", good -> aliasBomb() + good + "  - name: bomb\n    type: console-logger\n"
                        + "    config: {bomb: *k}\n", true,
                        // b to f hold 45 aliases of lists; g's sixth is the 51st
                        "{file}:7: YAML: Number of aliases for non-scalar nodes exceeds the specified max=50"),
                yaml("file over 1 MiB", good -> good + "# " + "x".repeat(1 << 20) + "\n", true,
                        "{file}: larger than 1048576 bytes"),
                yaml("nesting deeper than 20", good -> good + "  - name: deep\n    type: console-logger\n"
                        + "    config: {x: " + "[".repeat(30) + "1" + "]".repeat(30) + "}\n", true,
                        "{file}:20: YAML: Nesting Depth exceeded max 20"),
                yaml("not UTF-8", null, true, "{file}: not valid UTF-8"),
                yaml("empty file", good -> "", true,
                        "{file}:1: the manifest is empty; expected keys: plugins, reload, observers, ingest"),
                yaml("unknown top-level key", good -> good + "observer:\n  - name: x\n", true,
                        "{file}:18: observer: unknown key 'observer'; valid keys: plugins, reload, observers, ingest"),
                // documented: while running, an entry whose type no plugin provides waits for it (not an error)
                yaml("unknown observer type", good -> good + "  - name: typo\n    type: consol-logger\n", false,
                        "reload: observers waiting for a plugin that provides their type: typo (consol-logger)"),
                // ... but a running observer is not stopped for a type no plugin provides
                yaml("a running observer's type misspelt", good -> good.replace("    type: console-logger\n",
                                "    type: consol-logger\n"), true,
                        "{file}:10: observer 'console' type: unknown observer type 'consol-logger'; known: "),
                yaml("a running observer's strategy type misspelt", good -> good.replace("type: p-value", "type: p-valu"),
                        true, "{file}:15: observer 'retrain' strategy.type: unknown strategy type 'p-valu'; known: "),
                yaml("ingest.http changed while running", good -> good.replace("{port: 0,", "{port: 0, threads: 2,"),
                        true, "{file}:7: http (or ingest.http): cannot change while running; restart the host"),
                yaml("duplicate observer names", good -> good + "  - name: console\n    type: console-logger\n", true,
                        "{file}:18: observers[2].name: duplicate observer name 'console' (first defined at line 9); "
                                + "names must be unique"),
                yaml("wrong value type", good -> good.replace("    type: retraining-trigger\n",
                                "    type: retraining-trigger\n    dispatch: {capacity: lots}\n"), true,
                        "{file}:13: observer 'retrain' dispatch: key 'capacity': expected an integer, got 'lots'"),
                yaml("bad dispatch mode", good -> good.replace("    type: retraining-trigger\n",
                                "    type: retraining-trigger\n    dispatch: {mode: turbo}\n"), true,
                        "{file}:13: observer 'retrain' dispatch: key 'mode': 'turbo' is not one of: sync, async"),
                yaml("unset environment variable", good -> good.replace("${MONITOR_TOKEN}", "${NOPE_NOT_SET}"), true,
                        "{file}:7: ingest.http.token: environment variable NOPE_NOT_SET is not set"),
                yaml("misspelt plugin config key", good -> good.replace("{cooldown: 10m}", "{cooldwn: 10m}"), true,
                        "{file}:17: observer 'retrain': key 'cooldwn': unknown key for type retraining-trigger; "
                                + "it reads: "),
                yaml("bad duration", good -> good.replace("{cooldown: 10m}", "{cooldown: soon}"), true,
                        "{file}:17: observer 'retrain': key 'cooldown': expected a duration such as 250ms, 10s, 5m, "
                                + "2h or 1d, got 'soon'"),
                yaml("bad debounce", good -> good.replace("debounce: 100ms", "debounce: fast"), true,
                        "{file}:5: reload: key 'debounce': expected a duration such as 250ms, 10s, 5m, 2h or 1d, "
                                + "got 'fast'"),
                yaml("strategy config out of range", good -> good.replace("{alpha: 0.01}", "{alpha: 2}"), true,
                        "{file}:16: observer 'retrain' strategy 'p-value': key 'alpha': must be in (0,1), got 2.0"),
                yaml("plugins.dir changed while running", good -> good.replace("dir: ../plugins", "dir: ../elsewhere"),
                        true, "{file}:2: plugins.dir: cannot change while running ({plugins} -> {root}/elsewhere); "
                                + "restart the host"),
                yaml("SHA-256 pin mismatch", good -> good.replace("  dir: ../plugins\n",
                                "  dir: ../plugins\n  verify: {console-logger: " + ZEROS + "}\n"), true,
                        "{file}:3: plugins.verify.console-logger: the running console-logger-" + Distribution.VERSION + ".jar has SHA-256 "),

                // --- jars: dropped into the running host's plugins folder, then deleted
                jar("not a zip", "corrupt.jar",
                        target -> Files.writeString(target, "this is not a zip file"),
                        "plugin corrupt.jar skipped: not a valid jar file (zip END header not found)"),
                jar("empty file", "empty.jar", target -> Files.write(target, new byte[0]),
                        "plugin empty.jar skipped: not a valid jar file (zip file is empty)"),
                jar("truncated jar", "truncated.jar", target -> Files.write(target,
                                Arrays.copyOf(Files.readAllBytes(Distribution.bundledPlugin("console-logger")), 3000)),
                        "plugin truncated.jar skipped: not a valid jar file (zip END header not found)"),
                jar("no manifest", "no-manifest.jar", target -> {
                    Files.copy(Distribution.bundledPlugin("drift-strategies"), target);
                    Distribution.rewriteWithout(target, JarFile.MANIFEST_NAME);
                }, "plugin no-manifest.jar skipped: not a plugin jar: no META-INF/MANIFEST.MF (needs Plugin-Id and "
                        + "Plugin-Version)"),
                jar("no plugin descriptor (no Plugin-Id)", "no-id.jar",
                        target -> Distribution.writeIndexOnlyJar(target, Map.of("Plugin-Version", "1.0.0"), "com.example.Whatever"),
                        "plugin no-id.jar skipped: not a plugin jar: META-INF/MANIFEST.MF has no Plugin-Id"),
                jar("Plugin-Requires not satisfied", "future-strategies.jar",
                        target -> Distribution.copyWithManifest(Distribution.bundledPlugin("drift-strategies"), target,
                                Map.of("Plugin-Id", "future-strategies", "Plugin-Requires", ">=9.0.0")),
                        "plugin future-strategies.jar skipped: plugin future-strategies requires host version "
                                + "'>=9.0.0' (Plugin-Requires), this host is " + Distribution.VERSION),
                jar("Plugin-Requires not a version range", "bad-requires.jar",
                        target -> Distribution.writeIndexOnlyJar(target, Map.of("Plugin-Id", "bad-requires", "Plugin-Version", "1.0.0",
                                "Plugin-Requires", "banana"), "com.example.Whatever"),
                        "plugin bad-requires.jar skipped: Plugin-Requires 'banana' is not a version range such as "
                                + ">=0.1.0 & <1.0.0"),
                jar("Plugin-Version not a version", "bad-version.jar",
                        target -> Distribution.writeIndexOnlyJar(target, Map.of("Plugin-Id", "bad-version", "Plugin-Version", "not.a.version"),
                                "com.example.Whatever"),
                        "plugin bad-version.jar skipped: Plugin-Version 'not.a.version' is not a version such as 1.2.0 or 1.2"),
                jar("Plugin-Class not in the jar", "no-plugin-class.jar",
                        target -> Distribution.writeIndexOnlyJar(target, Map.of("Plugin-Id", "no-plugin-class",
                                "Plugin-Version", "1.0.0", "Plugin-Class", "com.example.Gone"), "com.example.Whatever"),
                        "plugin no-plugin-class.jar skipped: Plugin-Class com.example.Gone is not in the jar"),
                jar("Plugin-Class with a space after it", "spaced-plugin-class.jar",
                        target -> Distribution.writeIndexOnlyJar(target, Map.of("Plugin-Id", "spaced-plugin-class",
                                "Plugin-Version", "1.0.0", "Plugin-Class", "org.pf4j.Plugin "), "com.example.Whatever"),
                        "plugin spaced-plugin-class.jar skipped: Plugin-Class 'org.pf4j.Plugin ' is not a class name"),
                jar("Plugin-Id with a path in it", "evil-id.jar",
                        target -> Distribution.writeIndexOnlyJar(target, Map.of("Plugin-Id", "../../evil", "Plugin-Version", "1.0.0"),
                                "com.example.Whatever"),
                        "plugin evil-id.jar skipped: Plugin-Id '../../evil' may only hold letters, digits, '.', '_' and '-'"),
                jar("duplicate Plugin-Id of a loaded plugin", "z-duplicate-console.jar",
                        target -> Distribution.copyWithManifest(Distribution.bundledPlugin("console-logger"), target,
                                Map.of()),
                        "plugin z-duplicate-console.jar skipped: plugin id 'console-logger' is already loaded from "
                                + "console-logger-" + Distribution.VERSION + ".jar"),
                jar("missing META-INF/extensions.idx", "no-index.jar", target -> {
                    Distribution.copyWithManifest(Distribution.bundledPlugin("drift-strategies"), target,
                            Map.of("Plugin-Id", "no-index"));
                    Distribution.rewriteWithout(target, "META-INF/extensions.idx");
                }, "plugin no-index.jar skipped: no META-INF/extensions.idx, so no observers or strategies: PF4J's "
                        + "annotation processor did not run when the jar was built"),
                jar("extension class that cannot be loaded", "ghost.jar",
                        target -> Distribution.writeIndexOnlyJar(target, Map.of("Plugin-Id", "ghost-plugin", "Plugin-Version", "1.0.0"),
                                "com.example.ghost.MissingObserver"),
                        "plugin ghost.jar skipped: extension class com.example.ghost.MissingObserver cannot be loaded: "
                                + "java.lang.ClassNotFoundException: com.example.ghost.MissingObserver"));
    }

    private static Arguments event(String name, String line, String expected) {
        return event(name, utf8(line), expected);
    }

    private static Arguments event(String name, Supplier<byte[]> line, String expected) {
        return Arguments.of("event", name, new Line(line), expected);
    }

    private static Arguments status(String name, Request request, String expected) {
        return Arguments.of("event", name, request, expected);
    }

    /** {@code edit} null: the good manifest with a byte that is not UTF-8. */
    private static Arguments yaml(String name, Function<String, String> edit, boolean rejected, String expected) {
        Function<String, byte[]> bytes = edit == null
                ? good -> concat(good.getBytes(StandardCharsets.UTF_8), new byte[] {'#', ' ', (byte) 0xe9, '\n'})
                : good -> edit.apply(good).getBytes(StandardCharsets.UTF_8);
        return Arguments.of("yaml", name, new Yaml(bytes, rejected), expected);
    }

    private static Arguments jar(String name, String fileName, JarWriter writer, String expected) {
        return Arguments.of("jar", name, new Jar(fileName, writer), expected);
    }

    // ------------------------------------------------------------------------------------------
    // The host

    @BeforeAll
    void startHost() throws Exception {
        dist = new Distribution(root);
        writeManifest(GOOD.getBytes(StandardCharsets.UTF_8));
        host = dist.start(Map.of("MONITOR_TOKEN", TOKEN), "run", "--config", dist.manifest().toString());
        Pattern listening = Pattern.compile("http ingest listening on 127\\.0\\.0\\.1:(\\d+)");
        await().atMost(Duration.ofSeconds(30)).until(() -> listening.matcher(host.stderr()).find()
                || !host.process().isAlive());
        Matcher matcher = listening.matcher(host.stderr());
        assertThat(matcher.find()).as(host.stderr()).isTrue();
        assertThat(host.stderr()).contains("reload: watching ");
        base = URI.create("http://127.0.0.1:" + matcher.group(1));
        String metrics = metrics();
        pluginsLoaded = sample(metrics, "monitor_plugins_loaded");
        pluginsFailed = sample(metrics, "monitor_plugins_failed");
        assertThat(pluginsLoaded).isEqualTo(Distribution.bundledPlugins().size());
    }

    @AfterAll
    void stopHost() {
        if (host != null && host.process().isAlive()) {
            host.process().destroyForcibly();
        }
    }

    @Order(1)
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void aHostileInputGetsItsMessageAndTheHostKeepsServing(String kind, String name, Input input, String expected)
            throws Exception {
        String message = expected.replace("{file}", dist.manifest().toString())
                .replace("{plugins}", dist.plugins().toString()).replace("{root}", root.toString());
        String observed;
        if (input instanceof Line line) {
            observed = postLine(line);
        } else if (input instanceof Request request) {
            observed = send(request);
        } else if (input instanceof Yaml yaml) {
            observed = editManifest(yaml, message);
        } else {
            observed = dropJar((Jar) input);
        }

        assertStillServing();
        assertThat(observed).as("%s: %s", kind, name).contains(message);
    }

    @Order(2)
    @Test
    void aDeletedManifestIsReportedOnceAndTheHostKeepsServingUntilItIsBack() throws Exception {
        String file = dist.manifest().toString();
        int before = host.stderr().length();
        Files.delete(dist.manifest());
        String unreadable = "reload: " + file + ": cannot read: java.nio.file.NoSuchFileException: " + file
                + "; keeping the running configuration until it can be read";
        await().atMost(Duration.ofSeconds(15)).until(() -> since(before).contains(unreadable));
        assertThat(lastReloadError()).isEqualTo(file + ": cannot read: java.nio.file.NoSuchFileException: " + file);
        assertStillServing();

        writeManifest(GOOD.getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(15)).until(() -> since(before).contains("reload: manifest " + file + ": ")
                && lastReloadError() == null);
        // the watcher looked every debounce while the file was gone, and said so once
        assertThat(since(before).split(java.util.regex.Pattern.quote(unreadable), -1)).hasSize(2);
        assertThat(since(before)).doesNotContain("cannot read " + dist.plugins());
    }

    @Order(3)
    @Test
    void theConsoleObserverDeliveredEveryAcceptedEventAndNothingElse() throws Exception {
        assertThat(accepted).as("valid events accepted during the cases").isGreaterThan(50);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = metrics();
            assertThat(sample(metrics, "monitor_observer_delivered_total{observer=\"console\"}")).isEqualTo(accepted);
        });
        String metrics = metrics();
        assertThat(sample(metrics, "monitor_observer_received_total{observer=\"console\"}")).isEqualTo(accepted);
        assertThat(sample(metrics, "monitor_events_received_total{source=\"http\"}")).isEqualTo(accepted);
        assertThat(metrics.lines().filter(line -> line.startsWith("monitor_events_rejected_total{") && line.contains("source=\"http\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum())
                .as("rejected events over every reason").isEqualTo(rejected);
        assertThat(metrics).contains("monitor_events_rejected_total{reason=\"too_long\",source=\"http\"} 1.0",
                "monitor_events_rejected_total{reason=\"not_utf8\",source=\"http\"} 2.0");

        host.process().destroy(); // SIGTERM: lanes drain, each observer logs its counters once
        Result result = host.await(30);
        assertThat(result.stderr()).contains("observer 'console' stopped; received " + accepted + ", delivered "
                + accepted + ", failed 0, dropped 0");
        assertThat(result.stderr()).as("events of refused requests").doesNotContain("concept_drift sneaky@",
                "concept_drift oversize@");
        assertThat(result.stderr()).doesNotContain("OutOfMemoryError", "Exception in thread");
    }

    // ------------------------------------------------------------------------------------------
    // Applying each kind of input

    /** Posts the bad line and a valid line; returns the errors the host answered. */
    private String postLine(Line line) throws Exception {
        byte[] body = concat(line.bytes().get(), new byte[] {'\n'}, (VALID + "\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = request("POST", "/v1/events", "application/x-ndjson", body, TOKEN);
        JsonNode answer = count(response);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(answer.get("accepted").asInt()).as(response.body()).isEqualTo(1);
        assertThat(answer.get("rejected").asInt()).as(response.body()).isEqualTo(1);
        assertThat(answer.get("errors").get(0).get("index").asInt()).isZero();
        return errors(answer, response);
    }

    private String send(Request request) throws Exception {
        HttpResponse<String> response = request(request.method(), "/v1/events", request.contentType(),
                request.body() == null ? null : request.body().get(), request.token());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(request.status());
        JsonNode answer = count(response);
        if (answer.has("accepted")) {
            assertThat(answer.get("accepted").asInt()).as(response.body()).isEqualTo(request.accepted());
        }
        if (request.status() == 401) {
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        }
        return errors(answer, response);
    }

    /** Overwrites the manifest, waits for the reload, writes the good one back and waits for that too. */
    private String editManifest(Yaml yaml, String message) throws Exception {
        String file = dist.manifest().toString();
        int before = host.stderr().length();
        writeManifest(yaml.edit().apply(GOOD));
        await().atMost(Duration.ofSeconds(15)).until(() -> since(before).contains("reload: rejected " + file)
                || since(before).contains("reload: manifest " + file));
        String logged = since(before);
        String healthError = lastReloadError();
        if (yaml.rejected()) {
            assertThat(logged).contains("reload: rejected " + file + "; keeping the running configuration:"
                    + System.lineSeparator());
            assertThat(healthError).as("/healthz last_reload_error").contains(message);
        } else {
            assertThat(logged).contains("reload: manifest " + file + ": ");
            assertThat(healthError).as("/healthz last_reload_error").isNull();
        }

        int restored = host.stderr().length();
        writeManifest(GOOD.getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(15)).until(() -> since(restored).contains("reload: manifest " + file + ": ")
                && lastReloadError() == null);
        return logged + (healthError == null ? "" : "\n/healthz last_reload_error: " + healthError);
    }

    /** Drops the jar in, waits for the host's verdict on it, deletes it and waits until it is forgotten. */
    private String dropJar(Jar jar) throws Exception {
        Path staged = dist.plugins().resolve("." + jar.fileName() + ".tmp");
        Path target = dist.plugins().resolve(jar.fileName());
        jar.writer().write(staged);
        int before = host.stderr().length();
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        String skipped = "plugin " + jar.fileName() + " skipped: ";
        await().atMost(Duration.ofSeconds(15)).until(() -> since(before).contains(skipped)
                || since(before).contains("reload: plugin ") && since(before).contains(jar.fileName()));
        String observed = since(before).lines().filter(line -> line.contains(skipped)).findFirst()
                .orElse(since(before));

        Files.delete(target);
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            String metrics = metrics();
            return sample(metrics, "monitor_plugins_loaded") == pluginsLoaded
                    && sample(metrics, "monitor_plugins_failed") == pluginsFailed;
        });
        return observed;
    }

    /** GET /healthz is 200 and serving (ok, or degraded by a hostile jar), and a valid event is accepted. */
    private void assertStillServing() throws Exception {
        assertThat(host.process().isAlive()).as("the host process is alive").isTrue();
        HttpResponse<String> health = request("GET", "/healthz", null, null, TOKEN);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isIn("ok", "degraded");
        HttpResponse<String> valid = request("POST", "/v1/events", "application/x-ndjson",
                (VALID + "\n").getBytes(StandardCharsets.UTF_8), TOKEN);
        assertThat(valid.statusCode()).as(valid.body()).isEqualTo(202);
        assertThat(valid.body()).isEqualTo("{\"accepted\":1,\"rejected\":0,\"errors\":[]}");
        count(valid);
    }

    // ------------------------------------------------------------------------------------------
    // Helpers

    private HttpResponse<String> request(String method, String path, String contentType, byte[] body, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Parses an answer and adds its accepted and rejected counts to the totals. */
    private JsonNode count(HttpResponse<String> response) throws Exception {
        JsonNode answer = JSON.readTree(response.body());
        if (answer.has("accepted")) {
            accepted += answer.get("accepted").asLong();
            rejected += answer.get("rejected").asLong();
        } else if (answer.path("error").asText().equals("body is not valid UTF-8")) {
            rejected++; // a JSON document that is not UTF-8 counts as one rejected event
        }
        return answer;
    }

    /** The error messages of an answer, one per line, or the whole answer if it has none. */
    private static String errors(JsonNode answer, HttpResponse<String> response) {
        if (answer.has("error")) {
            return answer.get("error").asText();
        }
        StringBuilder text = new StringBuilder();
        answer.path("errors").forEach(error -> text.append(error.get("error").asText()).append('\n'));
        return text.isEmpty() ? "(no error) " + response.statusCode() + " " + response.body() : text.toString();
    }

    private String lastReloadError() throws Exception {
        HttpResponse<String> health = request("GET", "/healthz", null, null, TOKEN);
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode error = JSON.readTree(health.body()).get("last_reload_error");
        return error == null || error.isNull() ? null : error.asText();
    }

    private String metrics() throws Exception {
        HttpResponse<String> response = request("GET", "/metrics", null, null, TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static double sample(String metrics, String series) {
        return metrics.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(
                line -> Double.parseDouble(line.substring(series.length() + 1).split(" ")[0])).findFirst()
                .orElse(Double.NaN);
    }

    /** What the host logged since {@code offset} characters of its stderr. */
    private String since(int offset) throws Exception {
        return host.stderr().substring(offset);
    }

    /** Replaces the manifest by an atomic rename, so the watcher never reads half a file. */
    private void writeManifest(byte[] content) throws Exception {
        Path staged = dist.manifest().resolveSibling(".monitor.yaml.tmp");
        Files.write(staged, content);
        Files.move(staged, dist.manifest(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Supplier<byte[]> utf8(String text) {
        return () -> text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** An event line of exactly 10 MiB (no line break), its model name padded. */
    private static byte[] tenMibLine() {
        String head = "{\"type\":\"concept_drift\",\"model\":\"";
        String tail = "\",\"version\":\"v1\",\"p_value\":0.5}";
        byte[] line = (head + "x".repeat(10 * 1024 * 1024 - head.length() - tail.length()) + tail)
                .getBytes(StandardCharsets.UTF_8);
        assertThat(line).hasSize(10_485_760);
        return line;
    }

    /** Valid events, one byte short of a line more than the 16 MiB limit. */
    private static byte[] oversizeBody() {
        String line = VALID.replace("survivor", "oversize") + "\n";
        byte[] body = line.repeat(MAX_BODY / line.length() + 1).getBytes(StandardCharsets.UTF_8);
        assertThat(body.length).isGreaterThan(MAX_BODY);
        return body;
    }

    /** YAML anchors a..k, each a list of 9 aliases of the one before: 9^10 items if expanded. */
    private static String aliasBomb() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            String alias = "*" + (char) (c - 1);
            yaml.append(c).append(": &").append(c).append(" [")
                    .append(String.join(", ", Collections.nCopies(9, alias))).append("]\n");
        }
        return yaml.toString();
    }
}
