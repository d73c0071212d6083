package io.visutility.monitor.host.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visutility.monitor.host.plugins.ExtensionCatalog;
import io.visutility.monitor.host.plugins.ExtensionClass;
import io.visutility.monitor.host.plugins.PluginInfo;
import io.visutility.monitor.host.plugins.UnknownTypeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The manifest's JSON Schema (draft-07), for editors: the host's keys, from the schema resource
 * next to this class, and the settings of each loaded plugin's types, from the
 * {@code META-INF/monitor/<type>.schema.json} its jar ships.
 *
 * <p>Thread-safe: stateless; each call builds a new tree.
 */
public final class ManifestSchema {

    /** Where a plugin jar keeps the schema of one type's {@code config}; {@code %s} is the type. */
    public static final String PLUGIN_SCHEMA = "META-INF/monitor/%s.schema.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ManifestSchema() {
    }

    /** The host's part alone: every manifest key, with {@code config} left open. */
    public static ObjectNode host() {
        try (InputStream in = ManifestSchema.class.getResourceAsStream("manifest.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("manifest.schema.json is missing from the host jar");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plugin schema that cannot be used: its jar, type and why. */
    public record Problem(String jar, String type, String reason) {
        @Override
        public String toString() {
            return jar + ": " + String.format(PLUGIN_SCHEMA, type) + ": " + reason;
        }
    }

    /** The schema, and the plugin schemas that could not be merged. */
    public record Merged(ObjectNode schema, List<Problem> problems) {
        public Merged {
            problems = List.copyOf(problems);
        }
    }

    /**
     * The host's schema with the type names of {@code catalog} offered for completion, and the
     * {@code config} of each type whose plugin ships a schema for it described by that schema.
     */
    public static Merged withPlugins(ExtensionCatalog catalog) {
        ObjectNode schema = host();
        ObjectNode definitions = (ObjectNode) schema.get("definitions");
        ObjectNode observer = (ObjectNode) definitions.get("observer");
        ObjectNode strategy = (ObjectNode) definitions.get("strategy");
        TreeSet<String> observerTypes = new TreeSet<>();
        TreeSet<String> strategyTypes = new TreeSet<>();
        List<Problem> problems = new ArrayList<>();
        for (PluginInfo plugin : catalog.plugins()) {
            for (String type : plugin.observerTypes()) {
                observerTypes.add(type);
                lookUp(catalog, plugin, type, true, problems).ifPresent(config -> addConfig(observer, plugin, type, config));
            }
            for (String type : plugin.strategyTypes()) {
                strategyTypes.add(type);
                lookUp(catalog, plugin, type, false, problems).ifPresent(config -> addConfig(strategy, plugin, type, config));
            }
        }
        offer(observer, observerTypes);
        offer(strategy, strategyTypes);
        return new Merged(schema, problems);
    }

    /** Prints a schema as indented JSON. */
    public static String toJson(JsonNode schema) {
        try {
            return JSON.writeValueAsString(schema);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void offer(ObjectNode entry, TreeSet<String> types) {
        ArrayNode examples = ((ObjectNode) entry.get("properties").get("type")).putArray("examples");
        types.forEach(examples::add);
    }

    /** {@code if type is T (or plugin-id:T) then config is the plugin's schema}, added to the entry's allOf. */
    private static void addConfig(ObjectNode entry, PluginInfo plugin, String type, JsonNode config) {
        ArrayNode allOf = entry.has("allOf") ? (ArrayNode) entry.get("allOf") : entry.putArray("allOf");
        ObjectNode rule = allOf.addObject();
        ObjectNode condition = rule.putObject("if");
        condition.putObject("properties").putObject("type").putArray("enum").add(type).add(plugin.id() + ":" + type);
        condition.putArray("required").add("type");
        rule.putObject("then").putObject("properties").set("config", config);
    }

    private static Optional<JsonNode> lookUp(ExtensionCatalog catalog, PluginInfo plugin, String type,
                                                       boolean observer, List<Problem> problems) {
        ExtensionClass<?> extension;
        try {
            extension = observer ? catalog.observer(plugin.id() + ":" + type) : catalog.strategy(plugin.id() + ":" + type);
        } catch (UnknownTypeException e) {
            return Optional.empty();
        }
        URL resource = extension.classLoader().getResource(String.format(PLUGIN_SCHEMA, type));
        if (resource == null) {
            return Optional.empty();
        }
        try (InputStream in = resource.openStream()) {
            JsonNode node = JSON.readTree(in);
            if (!node.isObject()) {
                problems.add(new Problem(plugin.jar(), type, "expected a JSON object (a schema), got " + node.getNodeType()));
                return Optional.empty();
            }
            ((ObjectNode) node).remove("$schema"); // a draft-07 sub-schema may not restate it
            return Optional.of(node);
        } catch (IOException e) {
            problems.add(new Problem(plugin.jar(), type, "not valid JSON: " + e.getMessage().lines().findFirst().orElse("")));
            return Optional.empty();
        }
    }
}
