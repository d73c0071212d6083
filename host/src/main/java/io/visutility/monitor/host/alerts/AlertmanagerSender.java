package io.visutility.monitor.host.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visutility.monitor.host.status.Health;
import io.visutility.monitor.host.status.ModelStatus;
import io.visutility.monitor.host.status.ObserverVerdict;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends model health to Alertmanager ({@code POST /api/v2/alerts}), following health, not single
 * triggers: each observer whose health for a model version is {@code warning} or {@code drift}
 * gives one alert {@code alertname=ModelDrift} with labels {@code model}, {@code version},
 * {@code observer}, {@code strategy} and {@code severity} ({@code warning} or {@code critical}),
 * and annotations {@code reason}, {@code score} and {@code at}. A firing alert is sent when it
 * starts and again every {@code resend}, with {@code endsAt} four resends ahead (as Prometheus
 * does, so that Alertmanager resolves it if the host stops sending); when that observer's health
 * returns to {@code ok} (or the alert's severity changes, which makes it another alert), it is
 * sent once more with {@code endsAt} now: resolved. A failed post is logged and retried at the
 * next look, every second. Routing, grouping and silencing are Alertmanager's.
 *
 * <p>Thread-safety: one thread of its own looks at the health and posts; {@link #close} may be
 * called from any thread.
 */
public final class AlertmanagerSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerSender.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration LOOK_EVERY = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One alert's identity: its label set. */
    private record Key(String observer, String strategy, String model, String version, String severity) {
    }

    /** A firing alert: when it started, and when it was last sent (null: not yet). */
    private static final class Firing {
        final Instant startsAt;
        Instant sent;
        ObserverVerdict verdict;

        Firing(Instant startsAt, ObserverVerdict verdict) {
            this.startsAt = startsAt;
            this.verdict = verdict;
        }
    }

    private final AlertsSpec spec;
    private final ModelStatus status;
    private final Clock clock;
    private final HttpClient client;
    private final ScheduledExecutorService thread;
    // Only the sender's thread touches these.
    private final Map<Key, Firing> firing = new HashMap<>();
    private final Map<Key, Firing> resolving = new HashMap<>();
    private boolean failing;

    private AlertmanagerSender(AlertsSpec spec, ModelStatus status, Clock clock) {
        this.spec = spec;
        this.status = status;
        this.clock = clock;
        this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "alertmanager-sender");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts looking at {@code status} every second and sending what changed or is due. */
    public static AlertmanagerSender start(AlertsSpec spec, ModelStatus status, Clock clock) {
        AlertmanagerSender sender = new AlertmanagerSender(spec, status, clock);
        sender.thread.scheduleWithFixedDelay(sender::lookSafely, 0, LOOK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("alerts go to {} (resent every {})", spec.alertsEndpoint(), spec.resend());
        return sender;
    }

    private void lookSafely() {
        try {
            look();
        } catch (RuntimeException e) {
            LOG.error("alerts: looking at model health failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void look() throws InterruptedException {
        Instant now = clock.instant();
        Set<Key> current = new HashSet<>();
        for (ObserverVerdict verdict : status.verdicts()) {
            if (verdict.health() == Health.OK) {
                continue;
            }
            Key key = new Key(verdict.observer(), verdict.strategy(), verdict.model().name(),
                    verdict.model().version(), verdict.health() == Health.DRIFT ? "critical" : "warning");
            current.add(key);
            firing.computeIfAbsent(key, k -> new Firing(now, verdict)).verdict = verdict;
            resolving.remove(key);
        }
        firing.entrySet().removeIf(entry -> {
            if (!current.contains(entry.getKey())) {
                resolving.put(entry.getKey(), entry.getValue());
                return true;
            }
            return false;
        });
        ArrayNode alerts = MAPPER.createArrayNode();
        List<Firing> due = new ArrayList<>();
        firing.forEach((key, alert) -> {
            if (alert.sent == null || !now.isBefore(alert.sent.plus(spec.resend()))) {
                alerts.add(alert(key, alert, now.plus(spec.resend().multipliedBy(4))));
                due.add(alert);
            }
        });
        resolving.forEach((key, alert) -> alerts.add(alert(key, alert, now)));
        if (alerts.isEmpty()) {
            return;
        }
        if (post(alerts)) {
            due.forEach(alert -> alert.sent = now);
            resolving.clear();
        }
    }

    private static ObjectNode alert(Key key, Firing alert, Instant endsAt) {
        ObjectNode node = MAPPER.createObjectNode();
        node.putObject("labels").put("alertname", "ModelDrift").put("model", key.model())
                .put("version", key.version()).put("observer", key.observer()).put("strategy", key.strategy())
                .put("severity", key.severity());
        ObserverVerdict verdict = alert.verdict;
        node.putObject("annotations").put("reason", verdict.reason())
                .put("score", Double.isFinite(verdict.score()) ? Double.toString(verdict.score()) : "")
                .put("at", verdict.at().toString());
        node.put("startsAt", alert.startsAt.toString()).put("endsAt", endsAt.toString());
        return node;
    }

    /** Posts the alerts; returns whether Alertmanager took them. */
    private boolean post(ArrayNode alerts) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(spec.alertsEndpoint()).timeout(TIMEOUT)
                .header("Content-Type", "application/json");
        spec.headers().forEach(header -> request.header(header.name(), header.value()));
        String problem;
        try {
            HttpResponse<String> response = client.send(request.POST(HttpRequest.BodyPublishers.ofString(
                    MAPPER.writeValueAsString(alerts))).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                if (failing) {
                    failing = false;
                    LOG.info("alerts: {} takes alerts again", spec.alertsEndpoint());
                }
                return true;
            }
            problem = "HTTP " + response.statusCode() + ": " + response.body().strip();
        } catch (IOException e) {
            problem = e.toString();
        }
        if (!failing) {
            failing = true; // logged once per outage, not every second
            LOG.warn("alerts: cannot post {} alerts to {}: {}; retrying every {} s", alerts.size(),
                    spec.alertsEndpoint(), problem, LOOK_EVERY.toSeconds());
        }
        return false;
    }

    /** Stops sending. Firing alerts are not resolved: Alertmanager ends them at their endsAt. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
