package io.visutility.monitor.host.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.host.bus.DispatchMode;
import io.visutility.monitor.host.bus.OverflowPolicy;
import io.visutility.monitor.host.manifest.ManifestLoader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The host's part of the manifest schema says what {@link ManifestLoader} accepts: the same keys
 * in each map, the same enums; and it refuses what the loader refuses.
 */
class ManifestSchemaTest {

    /** Each key list of the loader, and where the schema lists the same keys. */
    private static final Map<String, String> KEY_LISTS = Map.ofEntries(
            Map.entry("TOP_KEYS", "/properties"),
            Map.entry("PLUGINS_KEYS", "/properties/plugins/properties"),
            Map.entry("RELOAD_KEYS", "/properties/reload/properties"),
            Map.entry("INGEST_KEYS", "/properties/ingest/properties"),
            Map.entry("HTTP_KEYS", "/definitions/http/properties"),
            Map.entry("KAFKA_KEYS", "/definitions/kafka/properties"),
            Map.entry("LISTENER_KEYS", "/definitions/listener/properties"),
            Map.entry("STATUS_KEYS", "/properties/status/properties"),
            Map.entry("ALERTS_KEYS", "/properties/alerts/properties"),
            Map.entry("ALERTMANAGER_KEYS", "/properties/alerts/properties/alertmanager/properties"),
            Map.entry("OBSERVER_KEYS", "/definitions/observer/properties"),
            Map.entry("STRATEGY_KEYS", "/definitions/strategy/properties"),
            Map.entry("DISPATCH_KEYS", "/definitions/dispatch/properties"),
            Map.entry("ASYNC_ONLY_KEYS", "/definitions/dispatch/properties"));

    private final JsonNode schema = ManifestSchema.host();

    @Test
    void everyKeyListOfTheLoaderIsTheSchemasKeys() throws Exception {
        List<String> unmapped = new ArrayList<>();
        for (Field field : ManifestLoader.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || !field.getName().endsWith("_KEYS")) {
                continue;
            }
            String pointer = KEY_LISTS.get(field.getName());
            if (pointer == null) {
                unmapped.add(field.getName());
                continue;
            }
            field.setAccessible(true);
            List<?> keys = (List<?>) field.get(null);
            TreeSet<String> inSchema = new TreeSet<>();
            schema.at(pointer).fieldNames().forEachRemaining(inSchema::add);
            if (field.getName().equals("ASYNC_ONLY_KEYS")) {
                assertThat(inSchema).as(pointer).containsAll(keys.stream().map(String::valueOf).toList());
                TreeSet<String> refusedWhenSync = new TreeSet<>();
                schema.at("/definitions/dispatch/then/not/anyOf").forEach(rule -> refusedWhenSync.addAll(texts(rule.get("required"))));
                assertThat(refusedWhenSync).as("keys refused with mode: sync")
                        .isEqualTo(new TreeSet<>(keys.stream().map(String::valueOf).toList()));
            } else {
                assertThat(inSchema).as("ManifestLoader." + field.getName() + " against the schema's " + pointer)
                        .isEqualTo(new TreeSet<>(keys.stream().map(String::valueOf).toList()));
            }
        }
        assertThat(unmapped).as("key lists of ManifestLoader this test does not know: add their keys to "
                + "manifest.schema.json and the list to KEY_LISTS").isEmpty();
    }

    @Test
    void everyMapOfTheSchemaRefusesUnknownKeysExceptConfigPinsAndKafkaProperties() {
        List<String> open = new ArrayList<>();
        collectOpenMaps(schema, "", open);
        assertThat(open).containsExactlyInAnyOrder("/properties/plugins/properties/verify",
                "/definitions/observer/properties/config", "/definitions/strategy/properties/config",
                "/definitions/kafka/properties/properties");
    }

    @Test
    void theEnumsAreTheHostsOwn() {
        assertThat(texts(schema.at("/definitions/dispatch/properties/mode/enum"))).isEqualTo(lowerCase(DispatchMode.values()));
        assertThat(texts(schema.at("/definitions/dispatch/properties/when_full/enum")))
                .isEqualTo(lowerCase(OverflowPolicy.values()));
        assertThat(texts(schema.at("/definitions/observer/properties/events/items/enum"))).isEqualTo(ModelMetricEvent.TYPES);
        assertThat(texts(schema.at("/definitions/kafka/properties/guarantee/enum")))
                .isEqualTo(lowerCase(io.visutility.monitor.host.manifest.KafkaIngestSpec.Guarantee.values()));
    }

    @Test
    void theDistributionsManifestPasses() throws Exception {
        Path manifest = Path.of("../dist/src/dist/conf/monitor.yaml");
        assertThat(validate(Files.readString(manifest))).isEmpty();
        new ManifestLoader(name -> "x").load(manifest); // and the loader agrees
    }

    @Test
    void aManifestUsingEveryHostKeyPasses() {
        assertThat(validate("""
                plugins:
                  dir: ../plugins
                  verify: {console-logger: %s}
                reload: {watch: false, debounce: 500ms}
                http: {bind: 0.0.0.0, port: 8480, token: "${MONITOR_TOKEN}", max_body_bytes: 65536, threads: 8,
                       max_wait: 2s, ingest: false}
                ingest:
                  kafka: {bootstrap: "${KAFKA_BOOTSTRAP}", topic: model-metrics, application_id: monitor,
                          guarantee: at_least_once, dead_letter_topic: dead, standby_replicas: 1,
                          state_dir: /var/lib/monitor, properties: {security.protocol: SSL, linger.ms: 5}}
                status: {resolve_after: 12h, max_models: 500}
                alerts:
                  alertmanager: {url: "http://127.0.0.1:9093", headers: ["Authorization: Bearer x"], resend: 30s}
                observers:
                  - name: retrain
                    type: retraining-trigger
                    enabled: true
                    events: [accuracy_drift, concept_drift]
                    models: ["fraud*"]
                    strategy: {type: fixed-threshold, config: {threshold: 0.1}}
                    config: {cooldown: 10m}
                    dispatch: {mode: async, capacity: 1024, when_full: block, block_timeout: 1s,
                               pause_after_failures: 3, pause: 2s, max_pause: 1m, shutdown_timeout: 30s}
                  - name: console
                    type: console-logger
                    dispatch: {mode: sync, pause: 1s}
                """.formatted("ab".repeat(32)))).isEmpty();
    }

    @Test
    void anUnknownTopLevelKeyIsRefused() {
        assertThat(validate("observers: []\nobserverz: []\n")).anyMatch(m -> m.contains("observerz"));
    }

    @Test
    void aBadEnumValueIsRefused() {
        assertThat(validate("""
                observers:
                  - name: console
                    type: console-logger
                    dispatch: {when_full: drop_everything}
                """)).anyMatch(m -> m.contains("when_full") && m.contains("enum"));
    }

    @Test
    void aBadDurationAPortOutOfRangeAndAsyncKeysInSyncModeAreRefused() {
        assertThat(validate("reload: {debounce: 5 minutes}\n")).anyMatch(m -> m.contains("debounce"));
        assertThat(validate("ingest: {http: {port: 70000}}\n")).anyMatch(m -> m.contains("port"));
        assertThat(validate("""
                observers:
                  - {name: c, type: console-logger, dispatch: {mode: sync, capacity: 1024}}
                """)).isNotEmpty();
        assertThat(validate("""
                observers:
                  - {name: c, type: console-logger, dispatch: {capacity: 1000}}
                """)).anyMatch(m -> m.contains("capacity"));
    }

    private List<String> validate(String yaml) {
        Schema validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(ManifestSchema.toJson(schema));
        Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        return validator.validate(new ObjectMapper().valueToTree(document)).stream().map(Error::toString).toList();
    }

    private static void collectOpenMaps(JsonNode node, String pointer, List<String> open) {
        if (node.isObject()) {
            if ("object".equals(node.path("type").asText()) && !node.has("additionalProperties")
                    || node.path("additionalProperties").isObject()) {
                open.add(pointer);
            }
            node.fields().forEachRemaining(e -> collectOpenMaps(e.getValue(), pointer + "/" + e.getKey(), open));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectOpenMaps(node.get(i), pointer + "/" + i, open);
            }
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static List<String> lowerCase(Enum<?>[] constants) {
        return Arrays.stream(constants).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
    }

}
