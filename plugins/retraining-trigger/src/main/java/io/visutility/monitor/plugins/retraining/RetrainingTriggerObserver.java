package io.visutility.monitor.plugins.retraining;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.LogValue;
import io.visutility.monitor.api.Metrics;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.ObserverContext;
import io.visutility.monitor.api.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * Asks the configured drift strategy about every event, with one strategy instance per model
 * version, created when the version is first seen. On a DRIFT verdict it logs
 * {@code retraining triggered model=<name> version=<version> strategy=<type> at=<event time> reason=<text>},
 * resets that strategy, and does not trigger again for the same model version within
 * {@code cooldown} (default 10m), counted in event time so that a replayed stream behaves as it
 * did live. A WARNING verdict logs {@code drift warning ...} in the same shape, once per warning
 * episode (until a STABLE or DRIFT verdict ends it). Every verdict, with whether it triggered, is
 * reported to the host ({@link ObserverContext#reportVerdict}), which keeps the model's health.
 *
 * <p>Besides the log line, each trigger runs the configured {@code action}: {@code log} (the
 * default: nothing more), {@code webhook} ({@link WebhookAction}) or {@code exec}
 * ({@link ExecAction}). Actions run on the observer's own {@link ActionRunner} thread, never on
 * the event thread; a failing action never reaches {@link #onEvent}. Every trigger counts in
 * {@code model_retraining_triggers{observer, model, version, strategy}}; every webhook or exec outcome in
 * {@code model_retraining_actions{observer, action, result}}.
 *
 * <p>{@code max_models} (10000) bounds the model versions it keeps a strategy for, because every
 * new model name a client sends would otherwise add one for good; events of versions past it are
 * not evaluated, are counted in {@code model_retraining_untracked_events{observer}}, and the first
 * is logged.
 *
 * <p>With {@code state_dir}, each model version's strategy state, last trigger time and last drift
 * time survive a restart (a model version that was in drift is reported to the host again when
 * its state is restored): saved on {@link #stop()} to {@code <state_dir>/<observer name>.json} (versioned JSON),
 * restored at the first event after {@link #start} (or at {@link #stop()} if none came). Not at
 * start itself: a hot reload that changes this observer's config starts the new instance before
 * it stops the old one, whose stop saves the state the new one must go on from. A state file that is corrupt, of another format or written for
 * another strategy type is reported and ignored, never fatal.
 *
 * <p>Thread-safe: events for one model version are evaluated one at a time; actions are handed
 * to the thread-safe {@link ActionRunner}.
 */
@Extension
@ExtensionType("retraining-trigger")
public final class RetrainingTriggerObserver implements Observer {

    static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(10);
    static final long DEFAULT_MAX_MODELS = 10_000;

    private final ConcurrentMap<ModelVersion, ModelState> models = new ConcurrentHashMap<>();
    private volatile ObserverContext ctx;
    private volatile Duration cooldown = DEFAULT_COOLDOWN;
    private volatile Logger log;
    private volatile String strategyType = "";
    private volatile Path stateFile;
    private volatile Metrics.Counter triggers;
    private volatile Metrics.Counter untracked;
    private volatile long maxModels = DEFAULT_MAX_MODELS;
    private final AtomicBoolean warnedFull = new AtomicBoolean();
    private volatile boolean restorePending;
    private volatile ActionRunner runner; // null for action log: it needs no thread
    private final int actionQueue;
    private final Duration maxStopWait;

    /** The instance PF4J makes. */
    public RetrainingTriggerObserver() {
        this(ActionRunner.DEFAULT_CAPACITY, ActionRunner.DEFAULT_MAX_STOP_WAIT);
    }

    /** For tests: a smaller action queue and a shorter bound on how long {@link #stop} waits for actions. */
    RetrainingTriggerObserver(int actionQueue, Duration maxStopWait) {
        this.actionQueue = actionQueue;
        this.maxStopWait = maxStopWait;
    }

    @Override
    public void start(ObserverContext ctx) {
        Duration value = ctx.settings().getDuration("cooldown", DEFAULT_COOLDOWN);
        long maxModelsValue = ctx.settings().getLong("max_models", DEFAULT_MAX_MODELS);
        if (maxModelsValue < 1) {
            throw ctx.settings().invalid("max_models", "must be at least 1, got " + maxModelsValue);
        }
        String dir = ctx.settings().getString("state_dir", null);
        RetrainingAction action = RetrainingAction.fromSettings(ctx.settings());
        try {
            ctx.newStrategy(); // fails now, with the manifest line, if no strategy is configured
            this.triggers = ctx.metrics().counter("model_retraining_triggers", "Retraining triggers, whatever the action",
                    "observer", "model", "version", "strategy");
            Metrics.Counter actions = ctx.metrics().counter("model_retraining_actions",
                    "Retraining actions run (webhook, exec), by result: ok, failed, timeout, skipped",
                    "observer", "action", "result");
            this.untracked = ctx.metrics().counter("model_retraining_untracked_events",
                    "Events of model versions past max_models, not evaluated", "observer");
            this.cooldown = value;
            this.maxModels = maxModelsValue;
            this.strategyType = ctx.strategyType().isEmpty() ? "unknown" : ctx.strategyType();
            this.log = ctx.logger();
            this.ctx = ctx;
            this.stateFile = dir == null ? null : Path.of(dir).resolve(ctx.name() + ".json");
            this.restorePending = stateFile != null;
            if (!(action instanceof LogAction)) {
                this.runner = new ActionRunner(action, ctx.name(), log, actions, actionQueue, maxStopWait);
            }
        } catch (RuntimeException e) {
            action.close(); // a failed start gets no stop(): release the webhook's threads now
            throw e;
        }
    }

    /** Restores the saved state once, before the first event is evaluated. */
    private synchronized void restoreIfPending() {
        if (restorePending) {
            try {
                if (Files.exists(stateFile)) {
                    restore();
                }
            } finally {
                restorePending = false; // tried once: a file that cannot be restored is reported, not retried per event
            }
        }
    }

    private void restore() {
        StateFile.Contents contents;
        try {
            contents = StateFile.read(stateFile, strategyType);
        } catch (IOException | StateFile.Unusable | RuntimeException e) {
            log.warn("state file {} ignored: {}", stateFile, e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        int restored = 0;
        for (StateFile.ModelEntry entry : contents.models()) {
            if (models.size() >= maxModels) {
                log.warn("state file {}: holds more model versions than max_models {}; the rest are ignored", stateFile,
                        maxModels);
                break;
            }
            try {
                ModelState state = new ModelState(ctx.newStrategy());
                state.strategy.restoreState(entry.state() == null ? Map.of() : entry.state());
                state.lastTrigger = entry.lastTrigger() == null ? null : Instant.parse(entry.lastTrigger());
                state.lastDrift = entry.lastDrift() == null ? null : Instant.parse(entry.lastDrift());
                ModelVersion model = new ModelVersion(entry.model(), entry.version());
                models.put(model, state);
                if (state.lastDrift != null) {
                    ctx.reportVerdict(model, state.lastDrift, Verdict.drift(Double.NaN, "in drift when its state was saved"),
                            false);
                }
                restored++;
            } catch (RuntimeException e) {
                log.warn("state file {}: state of model={} version={} ignored: {}", stateFile, LogValue.quote(entry.model()),
                        LogValue.quote(entry.version()), e.getMessage());
            }
        }
        log.info("restored the state of {} model versions from {}", restored, stateFile);
    }

    @Override
    public void onEvent(ModelMetricEvent event) {
        if (restorePending) {
            restoreIfPending();
        }
        ModelState state = models.get(event.model());
        if (state == null) {
            // Concurrent first events of new versions may pass the limit by a few; it bounds, it does not count.
            if (models.size() >= maxModels) {
                untracked.inc(1, ctx.name());
                if (warnedFull.compareAndSet(false, true)) {
                    log.warn("max_models {} reached: events of model={} version={} and other new model versions are not "
                            + "evaluated", maxModels, LogValue.quote(event.model().name()),
                            LogValue.quote(event.model().version()));
                }
                return;
            }
            state = models.computeIfAbsent(event.model(), model -> new ModelState(ctx.newStrategy()));
        }
        state.evaluate(event);
    }

    @Override
    public void stop() {
        try {
            if (stateFile != null) {
                restoreIfPending(); // no event came: what the file holds is still the state
            }
            saveState();
            models.clear();
        } finally {
            ActionRunner running = runner;
            if (running != null) {
                running.stop();
            }
        }
    }

    private void saveState() {
        if (stateFile != null) {
            List<StateFile.ModelEntry> entries = new ArrayList<>();
            models.forEach((model, state) -> entries.add(state.entry(model)));
            entries.sort(Comparator.comparing(StateFile.ModelEntry::model).thenComparing(StateFile.ModelEntry::version));
            try {
                StateFile.write(stateFile, new StateFile.Contents(StateFile.FORMAT, ctx.name(), strategyType, entries));
                log.info("saved the state of {} model versions to {}", entries.size(), stateFile);
            } catch (IOException e) {
                log.warn("cannot save the detector state to {}: {}", stateFile, e.toString());
            }
        }
    }

    /** One model version's strategy, last trigger time and warning episode; guarded by its own monitor. */
    private final class ModelState {
        private final DriftStrategy strategy;
        private Instant lastTrigger;
        private Instant lastDrift;
        private boolean warning;

        ModelState(DriftStrategy strategy) {
            this.strategy = strategy;
        }

        synchronized void evaluate(ModelMetricEvent event) {
            Verdict verdict = strategy.evaluate(event);
            boolean triggered = act(event, verdict);
            ctx.reportVerdict(event.model(), event.timestamp(), verdict, triggered);
        }

        /** Logs, and triggers if the verdict calls for it; returns whether it triggered. */
        private boolean act(ModelMetricEvent event, Verdict verdict) {
            switch (verdict.level()) {
                case STABLE -> warning = false;
                case WARNING -> {
                    if (!warning) {
                        warning = true;
                        log.info("drift warning " + line(event, verdict));
                    }
                }
                case DRIFT -> {
                    warning = false;
                    Instant at = event.timestamp();
                    if (lastDrift == null || at.isAfter(lastDrift)) {
                        lastDrift = at;
                    }
                    if (lastTrigger != null && at.isBefore(lastTrigger.plus(cooldown))) {
                        log.debug("drift for model={} version={} within cooldown since {}: reason={}",
                                LogValue.quote(event.model().name()), LogValue.quote(event.model().version()),
                                lastTrigger, LogValue.quote(verdict.reason()));
                        return false;
                    }
                    lastTrigger = at;
                    strategy.reset();
                    log.info("retraining triggered " + line(event, verdict));
                    triggered(event, verdict);
                    return true;
                }
            }
            return false;
        }

        /** Counts the trigger and hands it to the action; neither may fail the event. */
        private void triggered(ModelMetricEvent event, Verdict verdict) {
            ModelVersion model = event.model();
            try {
                triggers.inc(1, ctx.name(), model.name(), model.version(), strategyType);
            } catch (RuntimeException e) {
                log.warn("cannot count a retraining trigger: {}", e.toString());
            }
            ActionRunner running = runner;
            if (running != null) {
                running.submit(new Trigger(model.name(), model.version(), strategyType, event.timestamp(),
                        verdict.reason(), verdict.score()));
            }
        }

        synchronized StateFile.ModelEntry entry(ModelVersion model) {
            return new StateFile.ModelEntry(model.name(), model.version(),
                    lastTrigger == null ? null : lastTrigger.toString(), lastDrift == null ? null : lastDrift.toString(),
                    strategy.saveState());
        }

        private String line(ModelMetricEvent event, Verdict verdict) {
            return "model=" + LogValue.quote(event.model().name()) + " version=" + LogValue.quote(event.model().version())
                    + " strategy=" + strategyType + " at=" + event.timestamp() + " reason=" + LogValue.quote(verdict.reason());
        }
    }
}
