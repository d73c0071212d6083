package io.visutility.monitor.host.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.host.Monitor;
import io.visutility.monitor.host.bus.DropReason;
import io.visutility.monitor.host.bus.ObserverStats;
import io.visutility.monitor.host.bus.ProcessingTime;
import io.visutility.monitor.host.ingest.HttpIngest;
import io.visutility.monitor.host.plugins.PluginInfo;
import io.visutility.monitor.host.plugins.PluginProblem;
import io.visutility.monitor.host.reload.ReloadHistory;
import io.visutility.monitor.host.status.ModelSummary;
import io.visutility.monitor.host.status.ObserverVerdict;
import io.visutility.monitor.host.status.SeriesData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON API of the status page and of scripts: {@code GET /v1/models}, {@code /v1/series},
 * {@code /v1/observers}, {@code /v1/plugins}, {@code /v1/reloads}, and the body of
 * {@code /healthz}. Every path needs the listener's token, if it has one.
 *
 * <p>Thread-safe: stateless; it reads the monitor's thread-safe views at each request.
 */
public final class StatusApi {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Monitor monitor;
    private final HttpIngest http;

    private StatusApi(Monitor monitor, HttpIngest http) {
        this.monitor = monitor;
        this.http = http;
    }

    /** Serves the API's paths on {@code http}. */
    public static void serve(Monitor monitor, HttpIngest http) {
        StatusApi api = new StatusApi(monitor, http);
        http.serve("/v1/models", exchange -> api.answer(exchange, query -> api.models()));
        http.serve("/v1/series", exchange -> api.answer(exchange, api::series));
        http.serve("/v1/observers", exchange -> api.answer(exchange, query -> api.observers()));
        http.serve("/v1/plugins", exchange -> api.answer(exchange, query -> api.plugins()));
        http.serve("/v1/reloads", exchange -> api.answer(exchange, query -> api.reloads()));
    }

    /** An answer that is not 200: its status and message. */
    private static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private interface Endpoint {
        JsonNode answer(Map<String, String> query) throws Refusal;
    }

    private void answer(HttpExchange exchange, Endpoint endpoint) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().add("Allow", "GET");
                http.respond(exchange, 405, error("use GET"));
                return;
            }
            if (http.refusedWithoutToken(exchange)) {
                return;
            }
            // A context matches its path and everything under it: /v1/models/x is not an endpoint.
            if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
                http.respond(exchange, 404, error("no such endpoint: " + exchange.getRequestURI().getPath()));
                return;
            }
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            try {
                http.respond(exchange, 200, endpoint.answer(query(exchange.getRequestURI().getRawQuery())));
            } catch (Refusal refusal) {
                http.respond(exchange, refusal.status, error(refusal.getMessage()));
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.putIfAbsent(key, value);
        }
        return query;
    }

    private JsonNode models() {
        Map<ModelVersion, ArrayNode> observers = new HashMap<>();
        for (ObserverVerdict verdict : monitor.status().verdicts()) {
            observers.computeIfAbsent(verdict.model(), model -> MAPPER.createArrayNode()).addObject()
                    .put("observer", verdict.observer()).put("strategy", verdict.strategy())
                    .put("health", verdict.health().json()).put("reason", verdict.reason())
                    .put("at", verdict.at().toString())
                    .set("score", number(verdict.score()));
        }
        ObjectNode answer = MAPPER.createObjectNode();
        ArrayNode models = answer.putArray("models");
        for (ModelSummary summary : monitor.status().models()) {
            ObjectNode model = models.addObject()
                    .put("model", summary.model().name()).put("version", summary.model().version())
                    .put("health", summary.health().json()).put("events", summary.events());
            model.set("last_event", time(summary.lastEvent()));
            model.set("latency_p95_ms", number(summary.latencyP95()));
            model.set("last_drift", number(summary.lastDrift()));
            model.set("last_p_value", number(summary.lastPValue()));
            model.set("score", number(summary.score()));
            model.set("last_trigger", time(summary.lastTrigger()));
            model.set("observers", observers.getOrDefault(summary.model(), MAPPER.createArrayNode()));
        }
        answer.put("evicted", monitor.status().evicted());
        return answer;
    }

    private JsonNode series(Map<String, String> query) throws Refusal {
        String name = query.get("model");
        String version = query.get("version");
        if (name == null || name.isBlank() || version == null || version.isBlank()) {
            throw new Refusal(400, "give model and version: /v1/series?model=M&version=V&range=1h|24h");
        }
        String range = query.getOrDefault("range", "1h");
        if (!range.equals("1h") && !range.equals("24h")) {
            throw new Refusal(400, "range must be 1h or 24h, got '" + range + "'");
        }
        ModelVersion model = new ModelVersion(name, version);
        Optional<SeriesData> found = monitor.status().series(model, range.equals("24h"));
        if (found.isEmpty()) {
            throw new Refusal(404, "no model version " + name + " " + version);
        }
        SeriesData data = found.get();
        ObjectNode answer = MAPPER.createObjectNode().put("model", name).put("version", version).put("range", range)
                .put("bucket_seconds", data.bucketMillis() / 1000).put("threshold", 1.0);
        ArrayNode times = answer.putArray("t");
        ArrayNode triggers = answer.putArray("triggers");
        for (int i = 0; i < data.times().length; i++) {
            times.add(data.times()[i] / 1000);
            if (data.triggered()[i]) {
                triggers.add(data.times()[i] / 1000);
            }
        }
        for (int field = 0; field < SeriesData.COLUMNS.size(); field++) {
            ArrayNode column = answer.putArray(SeriesData.COLUMNS.get(field));
            for (double value : data.columns()[field]) {
                column.add(number(value));
            }
        }
        return answer;
    }

    private JsonNode observers() {
        ObjectNode answer = MAPPER.createObjectNode();
        ArrayNode list = answer.putArray("observers");
        monitor.observerStats().values().forEach(stats -> list.add(lane(stats)));
        answer.set("status_lane", lane(monitor.statusLaneStats()));
        return answer;
    }

    private static ObjectNode lane(ObserverStats stats) {
        ObjectNode lane = MAPPER.createObjectNode().put("name", stats.name())
                .put("mode", stats.mode().name().toLowerCase(Locale.ROOT))
                .put("received", stats.received()).put("delivered", stats.delivered()).put("failed", stats.failed())
                .put("queued", stats.queued()).put("paused", stats.paused()).put("dropped", stats.droppedTotal());
        ObjectNode reasons = lane.putObject("dropped_by_reason");
        for (DropReason reason : DropReason.values()) {
            reasons.put(reason.label(), stats.dropped(reason));
        }
        lane.set("processing_p99_seconds", p99(stats.processing()));
        return lane;
    }

    /** The upper bound of the bucket that holds the 99th percentile; -1 past the last bound; null if none timed. */
    private static JsonNode p99(ProcessingTime time) {
        long total = time.counts().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return MAPPER.nullNode();
        }
        long seen = 0;
        for (int i = 0; i < ProcessingTime.UPPER_BOUNDS_SECONDS.size(); i++) {
            seen += time.counts().get(i);
            if (seen * 100 >= total * 99) {
                return MAPPER.getNodeFactory().numberNode(ProcessingTime.UPPER_BOUNDS_SECONDS.get(i));
            }
        }
        return MAPPER.getNodeFactory().numberNode(-1);
    }

    private JsonNode plugins() {
        ObjectNode answer = MAPPER.createObjectNode();
        ArrayNode plugins = answer.putArray("plugins");
        for (PluginInfo info : monitor.catalog().plugins()) {
            ObjectNode plugin = plugins.addObject().put("id", info.id()).put("version", info.version())
                    .put("jar", info.jar());
            try {
                plugin.put("sha256", monitor.pluginDigest(info.id()).orElse(null));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            info.observerTypes().forEach(plugin.putArray("observer_types")::add);
            info.strategyTypes().forEach(plugin.putArray("strategy_types")::add);
        }
        ArrayNode failed = answer.putArray("failed");
        for (PluginProblem problem : monitor.catalog().problems()) {
            failed.addObject().put("jar", problem.jar()).put("reason", problem.reason());
        }
        return answer;
    }

    private JsonNode reloads() {
        ObjectNode answer = MAPPER.createObjectNode();
        ArrayNode reloads = answer.putArray("reloads");
        monitor.reloadHistory().recent().forEach(reload -> reloads.add(reload(reload)));
        return answer;
    }

    private static ObjectNode reload(ReloadHistory.Reload reload) {
        return MAPPER.createObjectNode().put("at", reload.at().toString())
                .put("kind", reload.kind().name().toLowerCase(Locale.ROOT)).put("ok", reload.ok())
                .put("subject", reload.subject()).put("message", reload.message());
    }

    /**
     * The body of {@code GET /healthz}, in DESIGN's shape: {@code status} {@code ok}, or
     * {@code degraded} with one entry in {@code problems} ({@code component}, {@code message}) per
     * plugin jar that failed to load, observer waiting for its type or paused after failures, and
     * a rejected manifest reload; {@code last_reload_error} (that rejection's message, until a
     * reload is applied); and {@code reload}: {@code last_error} (the same) and
     * {@code last_failed_jar} (the last plugin jar that could not be loaded while running). With a
     * Kafka stream, {@code kafka}: its {@code state} and {@code partitions}; a stream that is not
     * {@code RUNNING} is a problem too.
     */
    public static ObjectNode health(Monitor monitor, Optional<StreamHealth> stream) {
        ObjectNode answer = MAPPER.createObjectNode();
        ArrayNode problems = MAPPER.createArrayNode();
        stream.filter(kafka -> !kafka.state().equals("RUNNING")).ifPresent(kafka ->
                problem(problems, "kafka", "the Kafka stream is " + kafka.state() + ", not RUNNING"));
        monitor.catalog().problems().forEach(problem ->
                problem(problems, "plugins", problem.jar() + ": " + problem.reason()));
        monitor.waitingObservers().forEach((name, type) ->
                problem(problems, "observers", "observer '" + name + "' waits for a plugin that provides type " + type));
        monitor.observerStats().forEach((name, stats) -> {
            if (stats.paused()) {
                problem(problems, "observers", "observer '" + name + "' is paused after repeated failures");
            }
        });
        String reloadError = monitor.lastReloadError();
        if (reloadError != null) {
            problem(problems, "reload", reloadError);
        }
        answer.put("status", problems.isEmpty() ? "ok" : "degraded");
        answer.set("problems", problems);
        answer.put("last_reload_error", reloadError);
        ObjectNode reload = answer.putObject("reload");
        reload.put("last_error", reloadError);
        reload.set("last_failed_jar", monitor.reloadHistory().lastFailedJar()
                .<JsonNode>map(StatusApi::reload).orElse(MAPPER.nullNode()));
        stream.ifPresent(kafka -> {
            ObjectNode node = answer.putObject("kafka").put("state", kafka.state());
            kafka.partitions().forEach(node.putArray("partitions")::add);
        });
        return answer;
    }

    private static void problem(ArrayNode problems, String component, String message) {
        problems.addObject().put("component", component).put("message", message);
    }

    private static JsonNode number(double value) {
        return Double.isFinite(value) ? MAPPER.getNodeFactory().numberNode(value) : MAPPER.nullNode();
    }

    private static JsonNode time(Instant at) {
        return at == null ? MAPPER.nullNode() : MAPPER.getNodeFactory().textNode(at.toString());
    }

    private static ObjectNode error(String message) {
        return MAPPER.createObjectNode().put("error", message);
    }
}
