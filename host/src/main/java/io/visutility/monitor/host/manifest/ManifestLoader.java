package io.visutility.monitor.host.manifest;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.host.bus.DispatchMode;
import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.OverflowPolicy;
import io.visutility.monitor.host.alerts.AlertsSpec;
import io.visutility.monitor.host.status.StatusSpec;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads and validates a manifest into a {@link Manifest}.
 *
 * <p>The YAML is composed with SnakeYAML's safe loader: no global tags (so no arbitrary types),
 * at most {@value #MAX_ALIASES} aliases, at most {@value #MAX_BYTES} bytes, nesting at most
 * {@value #MAX_DEPTH} deep. Every problem found is reported, each naming file, line and key.
 * Whether a {@code type} exists is checked later, against the loaded plugins.
 *
 * <p>Thread-safe: stateless; each call uses its own parser.
 */
public final class ManifestLoader {

    static final int MAX_BYTES = 1 << 20;
    static final int MAX_ALIASES = 50;
    static final int MAX_DEPTH = 20;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final List<String> TOP_KEYS = List.of("plugins", "reload", "observers", "ingest", "http", "status",
            "alerts");
    private static final List<String> INGEST_KEYS = List.of("http", "kafka");
    private static final List<String> KAFKA_KEYS = List.of("bootstrap", "topic", "application_id", "guarantee",
            "dead_letter_topic", "standby_replicas", "state_dir", "properties");
    private static final List<String> HTTP_KEYS = List.of("bind", "port", "token", "max_body_bytes", "threads",
            "max_wait");
    /** The top-level {@code http} block: the listener's keys, and whether it takes events. */
    private static final List<String> LISTENER_KEYS = concat(HTTP_KEYS, List.of("ingest"));
    private static final List<String> STATUS_KEYS = List.of("resolve_after", "max_models");
    private static final List<String> ALERTS_KEYS = List.of("alertmanager");
    private static final List<String> ALERTMANAGER_KEYS = List.of("url", "headers", "resend");
    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    /** SnakeYAML's context of a syntax error, such as "while parsing a flow sequence". */
    private static final Pattern CONTEXT = Pattern.compile("while (?:parsing|scanning) an? ([a-z -]+)");
    private static final Pattern UNQUOTED_TOKEN = Pattern.compile("but got ([^'<\\s]\\S*)$");

    private final Function<String, String> environment;

    /** A loader that expands {@code ${NAME}} from the process environment. */
    public ManifestLoader() {
        this(System::getenv);
    }

    /** A loader that expands {@code ${NAME}} with {@code environment} (null: unset). */
    public ManifestLoader(Function<String, String> environment) {
        this.environment = environment;
    }
    private static final List<String> PLUGINS_KEYS = List.of("dir", "verify");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final List<String> RELOAD_KEYS = List.of("watch", "debounce");
    private static final List<String> OBSERVER_KEYS =
            List.of("name", "type", "enabled", "events", "models", "strategy", "config", "dispatch");
    private static final List<String> STRATEGY_KEYS = List.of("type", "config");
    private static final List<String> DISPATCH_KEYS = List.of("mode", "capacity", "when_full", "block_timeout",
            "pause_after_failures", "pause", "max_pause", "shutdown_timeout");
    private static final List<String> ASYNC_ONLY_KEYS =
            List.of("capacity", "when_full", "block_timeout", "shutdown_timeout");
    private static final String DEFAULT_PLUGINS_DIR = "../plugins";

    /**
     * Reads {@code file}.
     *
     * @throws ManifestException if it cannot be read or is not a valid manifest
     */
    public Manifest load(Path file) throws ManifestException {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ManifestException(file + ": larger than " + MAX_BYTES + " bytes");
            }
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new ManifestException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new ManifestException(file + ": not valid UTF-8");
        } catch (IOException e) {
            throw new ManifestException(file + ": cannot read: " + e.getMessage());
        }
        return parse(text, file);
    }

    /** Parses manifest {@code text} as if read from {@code file}. */
    public Manifest parse(String text, Path file) throws ManifestException {
        return new Parse(file, environment).run(text);
    }

    /** One parse: the file and the problems found so far. Not shared. */
    private static final class Parse {
        private final Path file;
        private final String fileName;
        private final List<String> problems = new ArrayList<>();
        private final ValueConstructor values;
        private final LoaderOptions options;

        private final Function<String, String> environment;

        Parse(Path file, Function<String, String> environment) {
            this.file = file;
            this.environment = environment;
            this.fileName = file.toString();
            this.options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(MAX_ALIASES);
            options.setAllowRecursiveKeys(false);
            options.setNestingDepthLimit(MAX_DEPTH);
            options.setCodePointLimit(MAX_BYTES);
            this.values = new ValueConstructor(options);
        }

        Manifest run(String text) throws ManifestException {
            Node root;
            try (Reader reader = new StringReader(text)) {
                root = new Yaml(new SafeConstructor(options)).compose(reader);
            } catch (MarkedYAMLException e) {
                throw new ManifestException(syntaxError(e));
            } catch (YAMLException | IOException e) {
                // SnakeYAML gives no position for its alias and nesting limits: find it here.
                int line = lineOverLimits(text);
                throw new ManifestException(fileName + (line > 0 ? ":" + line : "") + ": YAML: " + oneLine(e.getMessage()));
            }
            if (root == null) {
                throw new ManifestException(fileName + ":1: the manifest is empty; expected keys: "
                        + String.join(", ", TOP_KEYS));
            }
            Map<String, NodeTuple> top = mapping(root, "(top level)", TOP_KEYS);
            Map<String, NodeTuple> plugins = top.containsKey("plugins")
                    ? mapping(top.get("plugins").getValueNode(), "plugins", PLUGINS_KEYS) : Map.of();
            Path pluginsDir = pluginsDir(plugins.get("dir"));
            Map<String, SourceLocation> lines = new HashMap<>();
            if (plugins.containsKey("dir")) {
                lines.put("plugins.dir", at(plugins.get("dir").getKeyNode()));
            }
            Map<String, String> pins = pins(plugins.get("verify"), lines);
            Settings reload = settings(valueOf(top.get("reload")), "reload", "reload", root, RELOAD_KEYS);
            boolean watch = true;
            Duration debounce = Manifest.DEFAULT_DEBOUNCE;
            try {
                watch = reload.getBoolean("watch", true);
                debounce = reload.getDuration("debounce", Manifest.DEFAULT_DEBOUNCE);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
            List<ObserverSpec> observers = observers(top.get("observers"));
            Map<String, NodeTuple> ingest = top.containsKey("ingest")
                    ? mapping(top.get("ingest").getValueNode(), "ingest", INGEST_KEYS) : Map.of();
            Optional<HttpIngestSpec> http = http(valueOf(ingest.get("http")));
            Optional<KafkaIngestSpec> kafka = kafka(valueOf(ingest.get("kafka")));
            if (top.containsKey("http")) {
                if (http.isPresent()) {
                    problem(top.get("http").getKeyNode(), "http", "the listener is configured twice, here and in "
                            + "ingest.http (" + http.get().where() + "); keep one (http: with ingest: true is the same)");
                }
                Node node = top.get("http").getValueNode();
                http = listener(node, "http", LISTENER_KEYS, true);
            }
            StatusSpec status = status(valueOf(top.get("status")), root);
            Optional<AlertsSpec> alerts = alerts(valueOf(top.get("alerts")));
            if (!problems.isEmpty()) {
                throw new ManifestException(problems);
            }
            return new Manifest(file, pluginsDir, watch, debounce, observers, http, kafka, pins, lines, status, alerts);
        }

        /** {@code plugins.dir}, resolved against the manifest's folder. */
        private Path pluginsDir(NodeTuple entry) {
            String dir = entry == null ? DEFAULT_PLUGINS_DIR : string(entry.getValueNode(), "plugins.dir");
            Path base = file.toAbsolutePath().getParent();
            return dir == null ? base : base.resolve(dir).normalize();
        }

        /** {@code plugins.verify}: plugin id to a SHA-256 in hex. */
        private Map<String, String> pins(NodeTuple entry, Map<String, SourceLocation> lines) {
            Map<String, String> pins = new LinkedHashMap<>();
            if (entry == null) {
                return pins;
            }
            for (Map.Entry<String, NodeTuple> pin : mapping(entry.getValueNode(), "plugins.verify", null).entrySet()) {
                lines.put("plugins.verify." + pin.getKey(), at(pin.getValue().getKeyNode()));
                // The source text: an all-digit digest would otherwise be read as a number.
                Node value = pin.getValue().getValueNode();
                String digest = value instanceof ScalarNode scalar ? scalar.getValue()
                        : string(value, "plugins.verify." + pin.getKey());
                if (digest != null && !SHA256.matcher(digest).matches()) {
                    problem(value, "plugins.verify." + pin.getKey(),
                            "expected a SHA-256 as 64 hex digits, got '" + digest + "'");
                } else if (digest != null) {
                    pins.put(pin.getKey(), digest.toLowerCase(Locale.ROOT));
                }
            }
            return pins;
        }

        private Optional<HttpIngestSpec> http(Node node) {
            if (node == null) {
                return Optional.empty();
            }
            return listener(node, "ingest.http", HTTP_KEYS, false);
        }

        /** {@code alerts.alertmanager}: where model health goes as alerts. */
        private Optional<AlertsSpec> alerts(Node node) {
            if (node == null) {
                return Optional.empty();
            }
            Map<String, NodeTuple> keys = mapping(node, "alerts", ALERTS_KEYS);
            if (!keys.containsKey("alertmanager")) {
                return Optional.empty();
            }
            Node block = keys.get("alertmanager").getValueNode();
            Settings am = settings(block, "alerts.alertmanager", "alerts.alertmanager", block, ALERTMANAGER_KEYS);
            try {
                return Optional.of(AlertsSpec.read(am));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                return Optional.empty();
            }
        }

        /** {@code status}: how long a drift lasts, how many model versions are kept. */
        private StatusSpec status(Node node, Node root) {
            try {
                return StatusSpec.read(settings(node, "status", "status", root, STATUS_KEYS));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                return StatusSpec.DEFAULT;
            }
        }

        /**
         * The listener's block at {@code path}: {@code http} (whose {@code ingest} key says
         * whether it takes events) or {@code ingest.http} (which always does).
         */
        private Optional<HttpIngestSpec> listener(Node node, String path, List<String> keys, boolean topLevel) {
            Settings http = settings(node, path, path, node, keys);
            try {
                boolean ingest = !topLevel || http.getBoolean("ingest", true);
                String bind = http.getString("bind", "127.0.0.1");
                long port = http.getLong("port", 8480);
                if (port < 0 || port > 65535) {
                    throw http.invalid("port", "must be from 0 to 65535, got " + port);
                }
                Optional<String> token = Optional.ofNullable(http.getString("token", null));
                if (token.isPresent() && token.get().isBlank()) {
                    throw http.invalid("token", "must not be empty");
                }
                long maxBody = http.getLong("max_body_bytes", 1 << 20);
                if (maxBody < 1) {
                    throw http.invalid("max_body_bytes", "must be >= 1, got " + maxBody);
                }
                long threads = http.getLong("threads", 4);
                if (threads < 1 || threads > 64) {
                    throw http.invalid("threads", "must be from 1 to 64, got " + threads);
                }
                Duration maxWait = http.getDuration("max_wait", HttpIngestSpec.DEFAULT_MAX_WAIT);
                if (maxWait.isNegative() || maxWait.isZero()) {
                    throw http.invalid("max_wait", "must be > 0, got " + maxWait.toMillis() + "ms");
                }
                return Optional.of(new HttpIngestSpec(bind, (int) port, token, maxBody, (int) threads, maxWait, ingest,
                        at(node).toString()));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                return Optional.empty();
            }
        }

        private Optional<KafkaIngestSpec> kafka(Node node) {
            if (node == null) {
                return Optional.empty();
            }
            Settings kafka = settings(node, "ingest.kafka", "ingest.kafka", node, KAFKA_KEYS);
            try {
                String bootstrap = required(kafka, "bootstrap");
                String topic = required(kafka, "topic");
                String applicationId = kafka.getString("application_id", KafkaIngestSpec.DEFAULT_APPLICATION_ID);
                KafkaIngestSpec.Guarantee guarantee = choice(kafka, "guarantee", KafkaIngestSpec.Guarantee.class,
                        KafkaIngestSpec.Guarantee.EXACTLY_ONCE);
                String deadLetters = kafka.getString("dead_letter_topic", KafkaIngestSpec.DEFAULT_DEAD_LETTER_TOPIC);
                if (deadLetters.equals(topic)) {
                    throw kafka.invalid("dead_letter_topic", "must not be the events topic '" + topic + "'");
                }
                long standbys = kafka.getLong("standby_replicas", 0);
                if (standbys < 0 || standbys > 10) {
                    throw kafka.invalid("standby_replicas", "must be from 0 to 10, got " + standbys);
                }
                Optional<String> stateDir = Optional.ofNullable(kafka.getString("state_dir", null));
                Map<String, String> properties = new LinkedHashMap<>();
                Object given = kafka.values().get("properties");
                if (given != null && !(given instanceof Map<?, ?>)) {
                    throw kafka.invalid("properties", "expected a map of Kafka properties");
                }
                if (given instanceof Map<?, ?> map) {
                    for (Map.Entry<?, ?> property : map.entrySet()) {
                        if (property.getValue() instanceof Map<?, ?> || property.getValue() instanceof List<?>) {
                            throw kafka.invalid("properties", "'" + property.getKey() + "' must be a single value");
                        }
                        properties.put(String.valueOf(property.getKey()), String.valueOf(property.getValue()));
                    }
                }
                return Optional.of(new KafkaIngestSpec(bootstrap, topic, applicationId, guarantee, deadLetters,
                        (int) standbys, stateDir, properties, at(node).toString()));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                return Optional.empty();
            }
        }

        private static String required(Settings values, String key) {
            String value = values.getString(key, null);
            if (value == null || value.isBlank()) {
                throw values.invalid(key, "is required");
            }
            return value;
        }

        private List<ObserverSpec> observers(NodeTuple entry) {
            List<ObserverSpec> observers = new ArrayList<>();
            if (entry == null) {
                return observers;
            }
            Node node = entry.getValueNode();
            if (!(node instanceof SequenceNode list)) {
                problem(node, "observers", "expected a list of observer entries");
                return observers;
            }
            Map<String, SourceLocation> names = new HashMap<>();
            for (int i = 0; i < list.getValue().size(); i++) {
                ObserverSpec spec = observer(list.getValue().get(i), "observers[" + i + "]");
                if (spec == null) {
                    continue;
                }
                SourceLocation first = names.putIfAbsent(spec.name(), spec.at());
                if (first != null) {
                    problems.add(spec.at().problem("observers[" + i + "].name", "duplicate observer name '"
                            + spec.name() + "' (first defined at line " + first.line() + "); names must be unique"));
                }
                observers.add(spec);
            }
            return observers;
        }

        private ObserverSpec observer(Node node, String path) {
            int before = problems.size();
            Map<String, NodeTuple> keys = mapping(node, path, OBSERVER_KEYS);
            String name = required(keys, "name", node, path);
            if (name != null && !NAME.matcher(name).matches()) {
                problem(keys.get("name").getValueNode(), path + ".name", "'" + name
                        + "' is not a valid name; use letters, digits, '-', '_' and '.'");
            }
            String type = required(keys, "type", node, path);
            boolean enabled = !keys.containsKey("enabled")
                    || bool(keys.get("enabled").getValueNode(), path + ".enabled", true);
            Set<String> events = new LinkedHashSet<>(stringList(keys.get("events"), path + ".events"));
            for (String event : events) {
                if (!ModelMetricEvent.TYPES.contains(event)) {
                    problem(keys.get("events").getValueNode(), path + ".events", "unknown event type '" + event
                            + "'; known: " + String.join(", ", ModelMetricEvent.TYPES));
                }
            }
            List<String> models = stringList(keys.get("models"), path + ".models");
            String owner = "observer '" + name + "'";
            Optional<StrategySpec> strategy = keys.containsKey("strategy")
                    ? strategy(keys.get("strategy").getValueNode(), path + ".strategy", owner)
                    : Optional.empty();
            Settings config = settings(valueOf(keys.get("config")), path + ".config", owner, node, null);
            DispatchPolicy dispatch = keys.containsKey("dispatch")
                    ? dispatch(keys.get("dispatch").getValueNode(), path + ".dispatch", owner)
                    : DispatchPolicy.DEFAULT;
            if (problems.size() > before) {
                return null;
            }
            return new ObserverSpec(name, type, enabled, events, models, strategy, config, dispatch, at(node),
                    at(keys.get("type").getValueNode()));
        }

        private Optional<StrategySpec> strategy(Node node, String path, String owner) {
            Map<String, NodeTuple> keys = mapping(node, path, STRATEGY_KEYS);
            String type = required(keys, "type", node, path);
            Settings config = settings(valueOf(keys.get("config")), path + ".config",
                    owner + " strategy '" + type + "'", node, null);
            if (type == null) {
                return Optional.empty();
            }
            return Optional.of(new StrategySpec(type, config, at(keys.get("type").getValueNode())));
        }

        private static int intSetting(Settings values, String key, int def) {
            long value = values.getLong(key, def);
            if (value != (int) value) {
                throw values.invalid(key, "is out of range, got " + value);
            }
            return (int) value;
        }

        /** The entry's dispatch policy; every problem in it is reported, each with its line. */
        private DispatchPolicy dispatch(Node node, String path, String owner) {
            Settings values = settings(node, path, owner + " dispatch", node, DISPATCH_KEYS);
            DispatchPolicy d = DispatchPolicy.DEFAULT;
            int problemsBefore = problems.size();
            DispatchMode mode = read(node, path, () -> choice(values, "mode", DispatchMode.class, d.mode()), d.mode());
            if (mode == DispatchMode.SYNC) {
                for (String key : ASYNC_ONLY_KEYS) {
                    if (values.keys().contains(key)) {
                        problems.add(values.invalid(key, "applies only to mode: async").getMessage());
                    }
                }
            }
            int capacity = read(node, path, () -> intSetting(values, "capacity", d.capacity()), d.capacity());
            OverflowPolicy whenFull = read(node, path,
                    () -> choice(values, "when_full", OverflowPolicy.class, d.whenFull()), d.whenFull());
            Optional<Duration> blockTimeout = read(node, path, () -> values.keys().contains("block_timeout")
                    ? Optional.of(values.getDuration("block_timeout", null)) : d.blockTimeout(), d.blockTimeout());
            if (values.keys().contains("block_timeout") && whenFull != OverflowPolicy.BLOCK) {
                problems.add(values.invalid("block_timeout", "applies only to when_full: block").getMessage());
            }
            int failuresBeforePause = read(node, path,
                    () -> intSetting(values, "pause_after_failures", d.failuresBeforePause()), d.failuresBeforePause());
            Duration pause = read(node, path, () -> values.getDuration("pause", d.pause()), d.pause());
            Duration maxPause = read(node, path, () -> values.getDuration("max_pause", d.maxPause()), d.maxPause());
            Duration shutdownTimeout = read(node, path,
                    () -> values.getDuration("shutdown_timeout", d.shutdownTimeout()), d.shutdownTimeout());
            // Built even after a bad value (with its default), so the remaining checks are reported too.
            DispatchPolicy policy = read(node, path, () -> new DispatchPolicy(mode, capacity, whenFull, blockTimeout,
                    failuresBeforePause, pause, maxPause, shutdownTimeout), d);
            return problems.size() > problemsBefore ? d : policy;
        }

        /** Reads one value; a bad one is added to the problems (with its line) and {@code fallback} returned. */
        private <T> T read(Node node, String path, Supplier<T> reader, T fallback) {
            try {
                return reader.get();
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage().startsWith(fileName) ? e.getMessage() : at(node).problem(path, e.getMessage()));
                return fallback;
            }
        }

        private static <E extends Enum<E>> E choice(Settings values, String key, Class<E> type, E def) {
            String value = values.getString(key, null);
            if (value == null) {
                return def;
            }
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                String name = constant.name().toLowerCase(Locale.ROOT);
                if (name.equals(value)) {
                    return constant;
                }
                names.add(name);
            }
            throw values.invalid(key, "'" + value + "' is not one of: " + String.join(", ", names));
        }

        /** A map node as Settings; {@code node} null means absent (empty settings at {@code parent}). */
        private Settings settings(Node node, String path, String owner, Node parent, List<String> valid) {
            if (node == null) {
                return Settings.of(owner, at(parent).toString(), Map.of(), Map.of());
            }
            Map<String, NodeTuple> keys = mapping(node, path, valid);
            Map<String, Object> config = new LinkedHashMap<>();
            Map<String, String> where = new HashMap<>();
            for (Map.Entry<String, NodeTuple> key : keys.entrySet()) {
                Object value = construct(key.getValue().getValueNode(), path + "." + key.getKey());
                if (value != null) {
                    config.put(key.getKey(), value);
                }
                where.put(key.getKey(), at(key.getValue().getKeyNode()).toString());
            }
            return Settings.of(owner, at(node).toString(), config, where);
        }

        private static Node valueOf(NodeTuple entry) {
            return entry == null ? null : entry.getValueNode();
        }

        /** The entries of a map node by key; reports keys not in {@code valid} (null: any key). */
        private Map<String, NodeTuple> mapping(Node node, String path, List<String> valid) {
            Map<String, NodeTuple> keys = new LinkedHashMap<>();
            if (!(node instanceof MappingNode map)) {
                problem(node, path, "expected a map" + (valid == null ? "" : " with keys: " + String.join(", ", valid))
                        + ", got " + describe(node));
                return keys;
            }
            for (NodeTuple tuple : map.getValue()) {
                Node keyNode = tuple.getKeyNode();
                String key = keyNode instanceof ScalarNode scalar && scalar.getTag().equals(Tag.STR)
                        ? scalar.getValue() : null;
                String keyPath = path.equals("(top level)") ? key : path + "." + key;
                if (key == null) {
                    problem(keyNode, path, "keys must be plain strings, got " + describe(keyNode));
                } else if (keys.containsKey(key)) {
                    problem(keyNode, keyPath, "duplicate key (first at line " + at(keys.get(key).getKeyNode()).line() + ")");
                } else if (valid != null && !valid.contains(key)) {
                    problem(keyNode, keyPath, "unknown key '" + key + "'; valid keys: " + String.join(", ", valid));
                } else {
                    keys.put(key, tuple);
                }
            }
            return keys;
        }

        private String required(Map<String, NodeTuple> keys, String key, Node parent, String path) {
            NodeTuple tuple = keys.get(key);
            if (tuple == null) {
                if (parent instanceof MappingNode) {
                    problem(parent, path + "." + key, "is required");
                }
                return null;
            }
            String value = string(tuple.getValueNode(), path + "." + key);
            if (value != null && value.isBlank()) {
                problem(tuple.getValueNode(), path + "." + key, "must not be blank");
                return null;
            }
            return value;
        }

        private String string(Node node, String path) {
            int known = problems.size();
            Object value = construct(node, path);
            if (value instanceof String s) {
                return s;
            }
            if (problems.size() > known) {
                return null; // already reported (an unset ${NAME}): one message per problem
            }
            if (value != null || node instanceof ScalarNode) {
                problem(node, path, "expected a string, got " + describe(node));
            }
            return null;
        }

        private boolean bool(Node node, String path, boolean def) {
            Object value = construct(node, path);
            if (value instanceof Boolean b) {
                return b;
            }
            problem(node, path, "expected true or false, got " + describe(node));
            return def;
        }

        private List<String> stringList(NodeTuple entry, String path) {
            List<String> strings = new ArrayList<>();
            if (entry == null) {
                return strings;
            }
            Node node = entry.getValueNode();
            if (!(node instanceof SequenceNode list)) {
                problem(node, path, "expected a list such as [a, b], got " + describe(node));
                return strings;
            }
            if (list.getValue().isEmpty()) {
                problem(node, path, "must not be empty; leave the key out to match everything");
            }
            for (Node item : list.getValue()) {
                String value = string(item, path);
                if (value != null) {
                    strings.add(value);
                }
            }
            return strings;
        }

        private Object construct(Node node, String path) {
            try {
                return expand(values.construct(node), node, path);
            } catch (YAMLException e) {
                problem(node, path, oneLine(e.getMessage()));
                return null;
            }
        }

        /** Replaces {@code ${NAME}} in strings (also inside lists and maps) from the environment. */
        private Object expand(Object value, Node node, String path) {
            if (value instanceof String text && text.contains("${")) {
                Matcher matcher = ENV.matcher(text);
                StringBuilder expanded = new StringBuilder();
                boolean complete = true;
                while (matcher.find()) {
                    String variable = environment.apply(matcher.group(1));
                    if (variable == null) {
                        problem(node, path, "environment variable " + matcher.group(1) + " is not set");
                        complete = false;
                        variable = "";
                    }
                    matcher.appendReplacement(expanded, Matcher.quoteReplacement(variable));
                }
                matcher.appendTail(expanded);
                return complete ? expanded.toString() : null;
            }
            if (value instanceof List<?> list) {
                List<Object> expanded = new ArrayList<>();
                list.forEach(item -> expanded.add(expand(item, node, path)));
                return expanded;
            }
            if (value instanceof Map<?, ?> map) {
                Map<Object, Object> expanded = new LinkedHashMap<>();
                map.forEach((k, v) -> expanded.put(k, expand(v, node, path)));
                return expanded;
            }
            return value;
        }

        private void problem(Node node, String key, String message) {
            problems.add(at(node).problem(key, message));
        }

        private SourceLocation at(Node node) {
            return new SourceLocation(fileName, node.getStartMark().getLine() + 1);
        }

        private static String describe(Node node) {
            if (node instanceof ScalarNode scalar) {
                return scalar.getTag().equals(Tag.NULL) ? "nothing" : "'" + scalar.getValue() + "'";
            }
            return node instanceof SequenceNode ? "a list" : "a map";
        }

        /**
         * The line (from 1) of the first node that breaks the alias or nesting limit, counted as
         * SnakeYAML's composer counts them (aliases of collections; nodes nested more than one
         * level past the limit), found in the document's events, which carry positions and
         * expand no alias; 0 if none does.
         */
        private static int lineOverLimits(String text) {
            Map<String, Boolean> anchorIsCollection = new HashMap<>();
            int depth = 0;
            int aliases = 0;
            try {
                for (Event event : new Yaml().parse(new StringReader(text))) {
                    if (event instanceof AliasEvent alias) {
                        if (anchorIsCollection.getOrDefault(alias.getAnchor(), false) && ++aliases > MAX_ALIASES) {
                            return event.getStartMark().getLine() + 1;
                        }
                    } else if (event instanceof NodeEvent node) {
                        if (depth + 1 > MAX_DEPTH + 1) {
                            return event.getStartMark().getLine() + 1;
                        }
                        if (node.getAnchor() != null) {
                            anchorIsCollection.put(node.getAnchor(), node instanceof CollectionStartEvent);
                        }
                        if (node instanceof CollectionStartEvent) {
                            depth++;
                        }
                    } else if (event instanceof CollectionEndEvent) {
                        depth--;
                    }
                }
            } catch (YAMLException e) {
                return 0; // some other problem: the message says what
            }
            return 0;
        }

        /**
         * {@code file:line: YAML syntax: problem}, at the line where the parser stopped, followed by
         * where the construct it was reading began when SnakeYAML knows it: an unclosed {@code [}
         * is only noticed lines later, and the line that opened it is the one to fix.
         */
        private String syntaxError(MarkedYAMLException e) {
            Mark stopped = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = oneLine(e.getProblem() != null ? e.getProblem() : e.getMessage());
            // SnakeYAML quotes the token it found ("but found '?'") but not the one it got ("but got :").
            problem = UNQUOTED_TOKEN.matcher(problem).replaceFirst("but got '$1'");
            StringBuilder message = new StringBuilder(fileName).append(':')
                    .append(stopped == null ? 1 : stopped.getLine() + 1).append(": YAML syntax: ").append(problem);
            Mark opened = e.getContextMark();
            Matcher construct = e.getContext() == null ? null : CONTEXT.matcher(e.getContext());
            if (opened != null && construct != null && construct.matches()) {
                // A block construct has no opening bracket or quote: it starts at its first key or '-'.
                String what = construct.group(1).replace("scalar", "string")
                        .replace("block collection", "block sequence");
                message.append(" (the ").append(what).append(what.startsWith("block") ? " started" : " opened")
                        .append(" at line ").append(opened.getLine() + 1)
                        .append(", column ").append(opened.getColumn() + 1).append(')');
            }
            return message.toString();
        }

        private static String oneLine(String message) {
            return message == null ? "" : message.strip().replaceAll("\\s*\\n\\s*", "; ");
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** Builds plain Java values (String, Long, Double, Boolean, List, Map) from composed nodes. */
    private static final class ValueConstructor extends SafeConstructor {
        ValueConstructor(LoaderOptions options) {
            super(options);
        }

        Object construct(Node node) {
            return constructObject(node);
        }
    }
}
