package io.visutility.monitor.host.status;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the host knows about each model version: its series ({@link SeriesRing}: 10-second
 * buckets for an hour, 1-minute buckets for a day), its last values, and its health as each
 * observer reports it ({@link #report}).
 *
 * <p>Health per (observer, model version): a WARNING verdict makes it {@code warning} until a
 * STABLE one; a DRIFT verdict makes it {@code drift} until a newer version of the same model
 * (first seen later) has sent events, or until {@code resolve_after} of event time (the model
 * version's newest event against the last drift) passes without another drift. A model
 * version's health is the worst over its observers.
 *
 * <p>At most {@code max_models} model versions are kept; past it the least recently seen (by
 * event or verdict) is evicted, and counted in {@link #evicted()}.
 *
 * <p>Thread-safe: every method takes this object's lock, briefly (the host's status lane records
 * events; observers report verdicts from their threads; the HTTP threads read).
 */
public final class ModelStatus implements VerdictSink {

    private static final long TEN_SECONDS = 10_000;
    private static final long MINUTE = 60_000;

    private final StatusSpec spec;
    private final Map<ModelVersion, Entry> entries;
    /** Per model name, the first-seen order of its newest version. */
    private final Map<String, Long> newest = new HashMap<>();
    private long nextSeq;
    private long evicted;

    public ModelStatus(StatusSpec spec) {
        this.spec = spec;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ModelVersion, Entry> eldest) {
                if (size() <= spec.maxModels()) {
                    return false;
                }
                evicted++;
                newest.remove(eldest.getKey().name(), eldest.getValue().seq);
                return true;
            }
        };
    }

    /** One observer's health for one model version, as last reported. Guarded by the store's lock. */
    private static final class ObserverHealth {
        String strategy;
        Health health = Health.OK;
        double score = Double.NaN;
        String reason = "";
        long at;
        long lastDrift;
    }

    /** One model version. Guarded by the store's lock. */
    private static final class Entry {
        final long seq;
        final SeriesRing hour = new SeriesRing(TEN_SECONDS, 360);
        final SeriesRing day = new SeriesRing(MINUTE, 1440);
        final Map<String, ObserverHealth> observers = new LinkedHashMap<>(4);
        long events;
        long lastEvent = Long.MIN_VALUE;
        double lastDrift = Double.NaN;
        double lastPValue = Double.NaN;
        double lastScore = Double.NaN;
        long lastTrigger = Long.MIN_VALUE;

        Entry(long seq) {
            this.seq = seq;
        }
    }

    private Entry entry(ModelVersion model) {
        Entry entry = entries.get(model);
        if (entry == null) {
            entry = new Entry(nextSeq++);
            newest.put(model.name(), entry.seq);
            entries.put(model, entry);
        }
        return entry;
    }

    /** Adds an event to its model version's series. */
    public synchronized void record(ModelMetricEvent event) {
        Entry entry = entry(event.model());
        long at = event.timestamp().toEpochMilli();
        entry.events++;
        entry.lastEvent = Math.max(entry.lastEvent, at);
        if (event instanceof InferenceLatency latency) {
            entry.hour.latency(at, latency.latencyMs());
            entry.day.latency(at, latency.latencyMs());
        } else if (event instanceof AccuracyDrift drift) {
            entry.lastDrift = drift.drift();
            entry.hour.drift(at, drift.drift());
            entry.day.drift(at, drift.drift());
        } else if (event instanceof ConceptDrift concept) {
            entry.lastPValue = concept.pValue();
            entry.hour.pValue(at, concept.pValue());
            entry.day.pValue(at, concept.pValue());
        }
    }

    @Override
    public synchronized void report(String observer, String strategy, ModelVersion model, Instant at, Verdict verdict,
                                    boolean triggered) {
        Entry entry = entry(model);
        long millis = at.toEpochMilli();
        ObserverHealth health = entry.observers.computeIfAbsent(observer, name -> new ObserverHealth());
        health.strategy = strategy;
        health.score = verdict.score();
        health.at = millis;
        switch (verdict.level()) {
            case STABLE -> {
                if (health.health == Health.WARNING) {
                    health.health = Health.OK;
                    health.reason = verdict.reason();
                }
            }
            case WARNING -> {
                if (health.health == Health.OK) {
                    health.health = Health.WARNING;
                    health.reason = verdict.reason();
                }
            }
            case DRIFT -> {
                health.health = Health.DRIFT;
                health.reason = verdict.reason();
                health.lastDrift = Math.max(health.lastDrift, millis);
            }
        }
        if (!Double.isNaN(verdict.score())) {
            entry.lastScore = verdict.score();
        }
        if (triggered) {
            entry.lastTrigger = Math.max(entry.lastTrigger, millis);
        }
        entry.hour.score(millis, verdict.score(), triggered);
        entry.day.score(millis, verdict.score(), triggered);
    }

    /** The observer's health after the rules that end a drift. */
    private Health resolved(ModelVersion model, Entry entry, ObserverHealth health) {
        if (health.health == Health.DRIFT) {
            boolean newerRuns = newest.getOrDefault(model.name(), entry.seq) > entry.seq;
            boolean quiet = entry.lastEvent != Long.MIN_VALUE
                    && entry.lastEvent - health.lastDrift >= spec.resolveAfter().toMillis();
            if (newerRuns || quiet) {
                health.health = Health.OK;
                health.reason = newerRuns ? "a newer version of " + model.name() + " sends events"
                        : "no drift for " + spec.resolveAfter() + " of event time";
            }
        }
        return health.health;
    }

    private Health health(ModelVersion model, Entry entry) {
        Health worst = Health.OK;
        for (ObserverHealth health : entry.observers.values()) {
            worst = worst.worst(resolved(model, entry, health));
        }
        return worst;
    }

    /** Every model version, sorted by health (worst first), then name and version. */
    public synchronized List<ModelSummary> models() {
        List<ModelSummary> models = new ArrayList<>(entries.size());
        // Iterating entrySet() of an access-ordered map does not reorder it.
        for (Map.Entry<ModelVersion, Entry> e : entries.entrySet()) {
            Entry entry = e.getValue();
            models.add(new ModelSummary(e.getKey(), health(e.getKey(), entry), entry.events,
                    instant(entry.lastEvent), entry.hour.latestP95(), entry.lastDrift, entry.lastPValue,
                    entry.lastScore, instant(entry.lastTrigger)));
        }
        models.sort(Comparator.comparing(ModelSummary::health).reversed()
                .thenComparing(m -> m.model().name()).thenComparing(m -> m.model().version()));
        return models;
    }

    /** The model version's series over the last hour (10 s buckets) or day (1 min buckets). */
    public synchronized Optional<SeriesData> series(ModelVersion model, boolean day) {
        Entry entry = entries.get(model);
        return entry == null ? Optional.empty() : Optional.of(day ? entry.day.data() : entry.hour.data());
    }

    /** Each observer's health per model version, after the rules that end a drift. */
    public synchronized List<ObserverVerdict> verdicts() {
        List<ObserverVerdict> verdicts = new ArrayList<>();
        entries.forEach((model, entry) -> entry.observers.forEach((observer, health) ->
                verdicts.add(new ObserverVerdict(observer, health.strategy, model, resolved(model, entry, health),
                        health.score, health.reason, Instant.ofEpochMilli(health.at)))));
        return verdicts;
    }

    /** Forgets the health reported by observers not in {@code running} (removed from the manifest). */
    public synchronized void retainObservers(Collection<String> running) {
        entries.values().forEach(entry -> entry.observers.keySet().retainAll(running));
    }

    /** Model versions evicted past {@code max_models}. */
    public synchronized long evicted() {
        return evicted;
    }

    /** Model versions kept. */
    public synchronized int size() {
        return entries.size();
    }

    /** About how many bytes the model version's series take, or 0 if it is not kept. */
    public synchronized long bytes(ModelVersion model) {
        Entry entry = entries.get(model);
        return entry == null ? 0 : 96 + entry.hour.bytes() + entry.day.bytes() + entry.observers.size() * 96L;
    }

    private static Instant instant(long millis) {
        return millis == Long.MIN_VALUE ? null : Instant.ofEpochMilli(millis);
    }
}
