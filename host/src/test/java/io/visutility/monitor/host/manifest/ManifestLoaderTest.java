package io.visutility.monitor.host.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visutility.monitor.api.Settings;
import io.visutility.monitor.host.alerts.AlertsSpec;
import io.visutility.monitor.host.bus.DispatchMode;
import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.OverflowPolicy;
import io.visutility.monitor.host.status.StatusSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestLoaderTest {

    private static final Path FILE = Path.of("/etc/monitor/conf/monitor.yaml");

    private final ManifestLoader loader = new ManifestLoader();

    private Manifest parse(String yaml) throws ManifestException {
        return loader.parse(yaml, FILE);
    }

    private String problem(String yaml) {
        try {
            parse(yaml);
        } catch (ManifestException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the manifest to be rejected:\n" + yaml);
    }

    @Test
    void readsTheDocumentedExample() throws Exception {
        Manifest manifest = parse("""
                plugins:
                  dir: ../plugins            # relative to this file
                reload:
                  watch: true
                observers:
                  - name: console
                    type: console-logger
                  - name: retrain-on-drift
                    type: retraining-trigger
                    events: [accuracy_drift, concept_drift]
                    models: ["object_detector*"]
                    strategy:
                      type: fixed-threshold
                      config: {threshold: 0.05}
                    config: {cooldown: 10m}
                  - name: archive
                    type: jsonl-sink
                    enabled: false
                    config: {path: /var/log/monitor/events.jsonl}
                """);

        assertThat(manifest.pluginsDir()).isEqualTo(Path.of("/etc/monitor/plugins"));
        assertThat(manifest.watch()).isTrue();
        assertThat(manifest.observers()).extracting(ObserverSpec::name)
                .containsExactly("console", "retrain-on-drift", "archive");
        assertThat(manifest.enabledObservers()).extracting(ObserverSpec::name)
                .containsExactly("console", "retrain-on-drift");
        ObserverSpec retrain = manifest.observers().get(1);
        assertThat(retrain.type()).isEqualTo("retraining-trigger");
        assertThat(retrain.typeAt()).isEqualTo(new SourceLocation(FILE.toString(), 9));
        assertThat(retrain.events()).containsExactlyInAnyOrder("accuracy_drift", "concept_drift");
        assertThat(retrain.models()).containsExactly("object_detector*");
        assertThat(retrain.config().getDuration("cooldown", Duration.ZERO)).isEqualTo(Duration.ofMinutes(10));
        StrategySpec strategy = retrain.strategy().orElseThrow();
        assertThat(strategy.type()).isEqualTo("fixed-threshold");
        assertThat(strategy.config().getDouble("threshold", 0)).isEqualTo(0.05);
        assertThat(manifest.observers().get(0).events()).isEmpty();
        assertThat(manifest.observers().get(0).strategy()).isEmpty();
    }

    @Test
    void settingsRememberWhereEachKeyStood() throws Exception {
        Settings strategy = parse("""
                observers:
                  - name: retrain
                    type: retraining-trigger
                    strategy:
                      type: fixed-threshold
                      config:
                        threshold: high
                """).observers().get(0).strategy().orElseThrow().config();

        assertThatThrownBy(() -> strategy.getDouble("threshold", 0.05)).hasMessage(FILE
                + ":7: observer 'retrain' strategy 'fixed-threshold': key 'threshold': expected a number, got 'high'");
    }

    @Test
    void readsDispatchPolicies() throws Exception {
        Manifest manifest = parse("""
                observers:
                  - name: cheap
                    type: console-logger
                    dispatch: {mode: sync, pause_after_failures: 3}
                  - name: webhook
                    type: webhook
                    dispatch: {capacity: 1024, when_full: block, block_timeout: 20ms, shutdown_timeout: 30s}
                  - name: default
                    type: console-logger
                """);
        assertThat(manifest.observers().get(0).dispatch().mode()).isEqualTo(DispatchMode.SYNC);
        assertThat(manifest.observers().get(0).dispatch().failuresBeforePause()).isEqualTo(3);
        DispatchPolicy webhook = manifest.observers().get(1).dispatch();
        assertThat(webhook.mode()).isEqualTo(DispatchMode.ASYNC);
        assertThat(webhook.capacity()).isEqualTo(1024);
        assertThat(webhook.whenFull()).isEqualTo(OverflowPolicy.BLOCK);
        assertThat(webhook.blockTimeout()).contains(Duration.ofMillis(20));
        assertThat(webhook.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(manifest.observers().get(2).dispatch()).isEqualTo(DispatchPolicy.DEFAULT);
    }

    @Test
    void readsHttpIngestAndExpandsEnvironmentVariables() throws Exception {
        ManifestLoader withEnv = new ManifestLoader(Map.of("TOKEN", "abc", "PORT_OFFSET", "1")::get);
        Manifest manifest = withEnv.parse("""
                ingest:
                  http: {bind: 0.0.0.0, port: 9000, token: "${TOKEN}", threads: 8}
                observers:
                  - name: a
                    type: t
                    config: {path: "/data/${TOKEN}/x", list: ["${PORT_OFFSET}"]}
                """, FILE);
        HttpIngestSpec http = manifest.http().orElseThrow();
        assertThat(http).isEqualTo(new HttpIngestSpec("0.0.0.0", 9000, Optional.of("abc"), 1 << 20, 8,
                HttpIngestSpec.DEFAULT_MAX_WAIT, true, FILE + ":2"));
        assertThat(manifest.observers().get(0).config().getString("path")).isEqualTo("/data/abc/x");
        assertThat(manifest.observers().get(0).config().getList("list")).containsExactly("1");
        assertThat(parse("observers: []\n").http()).isEmpty();
    }

    @Test
    void readsTheTopLevelHttpBlockWithIngestOnOrOff() throws Exception {
        assertThat(parse("http: {port: 0, ingest: false}\n").http().orElseThrow())
                .isEqualTo(new HttpIngestSpec("127.0.0.1", 0, Optional.empty(), 1 << 20, 4,
                        HttpIngestSpec.DEFAULT_MAX_WAIT, false, FILE + ":1"));
        assertThat(parse("http: {port: 0}\n").http().orElseThrow().ingest()).isTrue();
        assertThatThrownBy(() -> parse("ingest:\n  http: {port: 1}\nhttp: {port: 2}\n"))
                .hasMessage(FILE + ":3: http: the listener is configured twice, here and in ingest.http (" + FILE
                        + ":2); keep one (http: with ingest: true is the same)");
        assertThatThrownBy(() -> parse("ingest:\n  http: {ingest: false}\n"))
                .hasMessageContaining(":2: ingest.http.ingest: unknown key 'ingest'");
    }

    @Test
    void readsTheStatusBlock() throws Exception {
        assertThat(parse("observers: []\n").status()).isEqualTo(StatusSpec.DEFAULT);
        assertThat(parse("status: {resolve_after: 2h, max_models: 50}\n").status())
                .isEqualTo(new StatusSpec(Duration.ofHours(2), 50));
        assertThatThrownBy(() -> parse("status:\n  max_models: 0\n"))
                .hasMessage(FILE + ":2: status: key 'max_models': must be from 1 to 10000000, got 0");
        assertThatThrownBy(() -> parse("status:\n  resolve_after: soon\n"))
                .hasMessageContaining(FILE + ":2: status: key 'resolve_after'");
    }

    @Test
    void readsTheAlertmanagerBlock() throws Exception {
        AlertsSpec alerts = parse("""
                alerts:
                  alertmanager: {url: "http://am:9093/", headers: ["Authorization: Bearer x"], resend: 30s}
                """).alerts().orElseThrow();
        assertThat(alerts.alertsEndpoint()).hasToString("http://am:9093/api/v2/alerts");
        assertThat(alerts.headers()).containsExactly(new AlertsSpec.Header("Authorization", "Bearer x"));
        assertThat(alerts.resend()).isEqualTo(Duration.ofSeconds(30));
        assertThat(parse("alerts: {alertmanager: {url: 'https://am'}}\n").alerts().orElseThrow().resend())
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(parse("observers: []\n").alerts()).isEmpty();
        assertThatThrownBy(() -> parse("alerts:\n  alertmanager: {url: 'ftp://am'}\n"))
                .hasMessageContaining(":2: alerts.alertmanager: key 'url': expected Alertmanager's http:// or https://");
        assertThatThrownBy(() -> parse("alerts:\n  alertmanager: {url: 'http://am', headers: ['Host: x']}\n"))
                .hasMessageContaining("key 'headers': cannot send header 'Host'");
        assertThatThrownBy(() -> parse("alerts:\n  alertmanager: {url: 'http://am', resend: 10ms}\n"))
                .hasMessageContaining("key 'resend': must be at least 1s, got 10ms");
        assertThatThrownBy(() -> parse("alerts:\n  alertmanager: {}\n"))
                .hasMessageContaining("key 'url': is required");
    }

    @Test
    void readsKafkaIngestWithItsDefaultsAndProperties() throws Exception {
        KafkaIngestSpec kafka = parse("""
                ingest:
                  kafka:
                    bootstrap: broker-1:9092,broker-2:9092
                    topic: model-metrics
                    properties: {security.protocol: SSL, consumer.max.poll.interval.ms: 10000}
                """).kafka().orElseThrow();

        assertThat(kafka).isEqualTo(new KafkaIngestSpec("broker-1:9092,broker-2:9092", "model-metrics",
                "visutility-monitor", KafkaIngestSpec.Guarantee.EXACTLY_ONCE, "monitor-dead-letters", 0,
                Optional.empty(), Map.of("security.protocol", "SSL", "consumer.max.poll.interval.ms", "10000"),
                FILE + ":3"));
        assertThat(parse("observers: []\n").kafka()).isEmpty();
    }

    @Test
    void aBadKafkaBlockNamesEachProblemWithItsLine() {
        assertThatThrownBy(() -> parse("""
                ingest:
                  kafka: {topic: t, guarantee: maybe}
                """)).hasMessage(FILE + ":2: ingest.kafka: key 'bootstrap': is required");
        assertThatThrownBy(() -> parse("""
                ingest:
                  kafka:
                    bootstrap: b:9092
                    topic: t
                    guarantee: maybe
                """)).hasMessage(FILE + ":5: ingest.kafka: key 'guarantee': 'maybe' is not one of: exactly_once, at_least_once");
        assertThatThrownBy(() -> parse("""
                ingest:
                  kafka: {bootstrap: b, topic: t, properties: [a]}
                """)).hasMessage(FILE + ":2: ingest.kafka: key 'properties': expected a map of Kafka properties");
        assertThatThrownBy(() -> parse("""
                ingest:
                  kafka: {bootstrap: b, topic: t, dead_letter_topic: t}
                """)).hasMessageContaining("must not be the events topic 't'");
    }

    @Test
    void anUnsetEnvironmentVariableIsAnErrorNamingIt() {
        ManifestLoader noEnv = new ManifestLoader(name -> null);
        assertThatThrownBy(() -> noEnv.parse("ingest:\n  http:\n    token: ${MONITOR_TOKEN}\n", FILE))
                .hasMessage(FILE + ":3: ingest.http.token: environment variable MONITOR_TOKEN is not set");
        assertThatThrownBy(() -> noEnv.parse("plugins:\n  dir: ${PLUGINS}\n", FILE)) // once, not twice
                .hasMessage(FILE + ":2: plugins.dir: environment variable PLUGINS is not set");
        assertThatThrownBy(() -> parse("ingest:\n  http: {port: 70000}\n"))
                .hasMessage(FILE + ":2: ingest.http: key 'port': must be from 0 to 65535, got 70000");
    }

    @Test
    void defaults() throws Exception {
        Manifest manifest = parse("observers: []\n");
        assertThat(manifest.watch()).isTrue();
        assertThat(manifest.pluginsDir()).isEqualTo(Path.of("/etc/monitor/plugins"));
        assertThat(manifest.observers()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            unknown top-level key | plugin:\\n  dir: x | :1: plugin: unknown key 'plugin'; valid keys: plugins, reload, observers, ingest, http, status, alerts
            unknown observer key  | observers:\\n  - name: a\\n    type: t\\n    filter: x | :4: observers[0].filter: unknown key 'filter'; valid keys: name, type, enabled, events, models, strategy, config, dispatch
            missing type          | observers:\\n  - name: a | :2: observers[0].type: is required
            duplicate name        | observers:\\n  - name: a\\n    type: t\\n  - name: a\\n    type: u | :4: observers[1].name: duplicate observer name 'a' (first defined at line 2); names must be unique
            enabled not a boolean | observers:\\n  - name: a\\n    type: t\\n    enabled: 3 | :4: observers[0].enabled: expected true or false, got '3'
            unknown event type    | observers:\\n  - name: a\\n    type: t\\n    events: [latency] | :4: observers[0].events: unknown event type 'latency'; known: inference_latency, accuracy_drift, concept_drift
            events not a list     | observers:\\n  - name: a\\n    type: t\\n    events: concept_drift | :4: observers[0].events: expected a list such as [a, b], got 'concept_drift'
            empty models list     | observers:\\n  - name: a\\n    type: t\\n    models: [] | :4: observers[0].models: must not be empty; leave the key out to match everything
            observers not a list  | observers: {a: b} | :1: observers: expected a list of observer entries
            bad name              | observers:\\n  - name: 'a b'\\n    type: t | :2: observers[0].name: 'a b' is not a valid name; use letters, digits, '-', '_' and '.'
            strategy without type | observers:\\n  - name: a\\n    type: t\\n    strategy: {config: {x: 1}} | :4: observers[0].strategy.type: is required
            config not a map      | observers:\\n  - name: a\\n    type: t\\n    config: [1, 2] | :4: observers[0].config: expected a map, got a list
            duplicate key         | observers:\\n  - name: a\\n    type: t\\n    type: u | :4: observers[0].type: duplicate key (first at line 3)
            dispatch capacity     | observers:\\n  - name: a\\n    type: t\\n    dispatch: {capacity: 1000} | :4: observers[0].dispatch: capacity must be a power of two from 2 to 16777216, got 1000
            dispatch when_full    | observers:\\n  - name: a\\n    type: t\\n    dispatch:\\n      when_full: drop_all | :5: observer 'a' dispatch: key 'when_full': 'drop_all' is not one of: drop_newest, drop_oldest, block
            dispatch sync+queue   | observers:\\n  - name: a\\n    type: t\\n    dispatch: {mode: sync, capacity: 4} | :4: observer 'a' dispatch: key 'capacity': applies only to mode: async
            dispatch unknown key  | observers:\\n  - name: a\\n    type: t\\n    dispatch: {size: 4} | :4: observers[0].dispatch.size: unknown key 'size'; valid keys: mode, capacity, when_full, block_timeout, pause_after_failures, pause, max_pause, shutdown_timeout
            dispatch bad duration | observers:\\n  - name: a\\n    type: t\\n    dispatch: {block_timeout: soon} | :4: observer 'a' dispatch: key 'block_timeout': expected a duration such as 250ms, 10s, 5m, 2h or 1d, got 'soon'
            capacity past an int  | observers:\\n  - name: a\\n    type: t\\n    dispatch: {capacity: -10000000000} | :4: observer 'a' dispatch: key 'capacity': is out of range, got -10000000000
            integer past a long   | observers:\\n  - name: a\\n    type: t\\n    dispatch: {pause_after_failures: 99999999999999999999} | key 'pause_after_failures': is out of range
            duration overflowing  | observers:\\n  - name: a\\n    type: t\\n    dispatch: {pause: 999999999999999d} | :4: observer 'a' dispatch: key 'pause': is too long: at most 365d, got '999999999999999d'
            duration past 365d    | reload:\\n  debounce: 99999999999999999999s | :2: reload: key 'debounce': is too long: at most 365d, got '99999999999999999999s'
            bad sha256 pin        | plugins:\\n  verify: {console-logger: abc} | :2: plugins.verify.console-logger: expected a SHA-256 as 64 hex digits, got 'abc'
            watch not a boolean   | reload:\\n  watch: often | :2: reload: key 'watch': expected true or false, got 'often'
            empty document        | "" | :1: the manifest is empty; expected keys: plugins, reload, observers, ingest
            top level not a map   | "- a\\n- b" | :1: (top level): expected a map with keys: plugins, reload, observers, ingest, http, status, alerts, got a list
            global tag            | observers: !!javax.script.ScriptEngineManager [] | :1: YAML syntax: Global tag is not allowed
            """)
    void rejectsWithFileLineAndKey(String description, String yaml, String expected) {
        assertThat(problem(yaml.replace("\\n", "\n"))).startsWith(FILE.toString()).contains(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            unclosed flow sequence | reload:\\n  watch: true\\nobservers:\\n  - name: a\\n    type: [t\\n  - name: b | :6: YAML syntax: expected ',' or ']', but got ':' (the flow sequence opened at line 5, column 11)
            unclosed at the end    | observers:\\n  - name: a\\n    events: [accuracy_drift | :3: YAML syntax: expected ',' or ']', but got <stream end> (the flow sequence opened at line 3, column 13)
            unclosed flow mapping  | observers:\\n  - name: a\\n    type: t\\n    config: {a: 1,\\n      b: 2\\n    models: [x] | :6: YAML syntax: expected ',' or '}', but got ':' (the flow mapping opened at line 4, column 13)
            unclosed quoted string | observers:\\n  - name: a\\n    type: 't\\n  - name: b\\n | :5: YAML syntax: found unexpected end of stream (the quoted string opened at line 3, column 11)
            bad escape in a string | observers:\\n  - name: a\\n    type: "\\q" | :3: YAML syntax: found unknown escape character q(113) (the double-quoted string opened at line 3, column 11)
            block mapping indented | observers:\\n  - name: a\\n    type: t\\n    config:\\n      x: 1\\n     y: 2 | :6: YAML syntax: expected <block end>, but found '<block mapping start>' (the block mapping started at line 2, column 5)
            block sequence indented| observers:\\n  - name: a\\n    type: t\\n   enabled: false | :4: YAML syntax: expected <block end>, but found '<block mapping start>' (the block sequence started at line 2, column 3)
            no construct open      | observers:\\n  - name: a: b | :2: YAML syntax: mapping values are not allowed here
            """)
    void aSyntaxErrorNamesWhereTheParserStoppedAndWhereTheConstructOpened(String description, String yaml,
                                                                            String expected) {
        assertThat(problem(yaml.replace("\\n", "\n"))).isEqualTo(FILE + expected);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String message = problem("""
                observers:
                  - name: a
                    typ: t
                  - name: b
                    type: u
                    enabled: maybe
                """);
        assertThat(message.lines()).containsExactly(
                FILE + ":3: observers[0].typ: unknown key 'typ'; valid keys: name, type, enabled, events, models, strategy, config, dispatch",
                FILE + ":2: observers[0].type: is required",
                FILE + ":6: observers[1].enabled: expected true or false, got 'maybe'");
    }

    @Test
    void reportsEveryDispatchProblemAtOnce() {
        String message = problem("""
                observers:
                  - name: a
                    type: t
                    dispatch: {pause_after_failures: -1, when_full: bogus, capacity: 3, pause: 0ms}
                """);
        assertThat(message.lines()).containsExactly(
                FILE + ":4: observer 'a' dispatch: key 'when_full': 'bogus' is not one of: drop_newest, drop_oldest, block",
                FILE + ":4: observers[0].dispatch: capacity must be a power of two from 2 to 16777216, got 3; "
                        + "pause_after_failures must be >= 1, got -1; pause must be > 0, got 0ms");
    }

    @Test
    void rejectsAnAliasBomb() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char p = (char) (c - 1);
            yaml.append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p).append(", *")
                    .append(p).append(", *").append(p).append(", *").append(p).append(", *").append(p).append("]\n");
        }
        yaml.append("observers:\n  - name: a\n    type: t\n    config: {bomb: *k}\n");
        // b to i hold 48 aliases of collections; j's third is the 51st
        assertThat(problem(yaml.toString())).isEqualTo(FILE
                + ":10: YAML: Number of aliases for non-scalar nodes exceeds the specified max=50");
    }

    @Test
    void namesTheLineWhereTheNestingGoesTooDeep() {
        String yaml = "observers:\n  - name: a\n    type: t\n    config:\n      deep: "
                + "[".repeat(30) + "]".repeat(30) + "\n";
        assertThat(problem(yaml)).isEqualTo(FILE + ":5: YAML: Nesting Depth exceeded max 20");

        // One mapping per line: k19's value is 21 levels deep, which SnakeYAML still takes;
        // the key k20 is the first node past it.
        assertThat(problem(nested(19))).doesNotContain("YAML:");
        assertThat(problem(nested(20))).isEqualTo(FILE + ":21: YAML: Nesting Depth exceeded max 20");
    }

    private static String nested(int levels) {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i <= levels; i++) {
            yaml.append("  ".repeat(i)).append('k').append(i).append(i == levels ? ": v\n" : ":\n");
        }
        return yaml.toString();
    }

    @Test
    void namesTheFileWhenItIsMissingOrTooLarge(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("absent.yaml");
        assertThatThrownBy(() -> loader.load(missing)).hasMessage(missing + ": no such file");
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, "#".repeat(ManifestLoader.MAX_BYTES + 1));
        assertThatThrownBy(() -> loader.load(big)).hasMessage(big + ": larger than 1048576 bytes");
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, new byte[] {'#', ' ', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> loader.load(latin1)).hasMessage(latin1 + ": not valid UTF-8");
    }
}
