package io.visutility.monitor.plugins.retraining;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.ObserverContext;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;

/** A host context whose logger records formatted INFO lines (and WARN lines, prefixed) and whose metrics are kept in memory. */
final class TestContext implements ObserverContext {
    final List<String> lines = new CopyOnWriteArrayList<>();
    String type = "counting";
    final List<CountingStrategy> strategies = new ArrayList<>();
    final Settings settings;
    final boolean hasStrategy;
    final RecordingMetrics metrics = new RecordingMetrics();
    /** What {@link #reportVerdict} was told: {@code model@version at level [triggered]}. */
    final List<String> verdicts = new CopyOnWriteArrayList<>();

    TestContext(Map<String, ?> config, boolean hasStrategy) {
        this.settings = Settings.of(config);
        this.hasStrategy = hasStrategy;
    }

    @Override
    public String name() {
        return "retrain";
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public synchronized DriftStrategy newStrategy() {
        if (!hasStrategy) {
            throw new IllegalStateException("observer 'retrain' needs a drift strategy");
        }
        CountingStrategy strategy = new CountingStrategy();
        strategies.add(strategy);
        return strategy;
    }

    @Override
    public String strategyType() {
        return type;
    }

    @Override
    public Logger logger() {
        return new RecordingLogger(lines);
    }

    @Override
    public RecordingMetrics metrics() {
        return metrics;
    }

    @Override
    public void reportVerdict(ModelVersion model, Instant at, Verdict verdict, boolean triggered) {
        verdicts.add(model.name() + "@" + model.version() + " " + at + " " + verdict.level()
                + (triggered ? " triggered" : ""));
    }
}
