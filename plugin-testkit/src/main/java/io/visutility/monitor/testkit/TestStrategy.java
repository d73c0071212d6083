package io.visutility.monitor.testkit;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a {@link DriftStrategy} as the host does: configured from YAML settings with the host's
 * parser and unknown-key check, then fed events one by one.
 *
 * <pre>{@code
 * List<Verdict> verdicts = TestStrategy.of(new MyStrategy())
 *         .configure("threshold: 0.2")
 *         .evaluate(TestEvents.accuracyDrift("fraud", "v1", 0.3));
 * String message = TestStrategy.of(new MyStrategy()).rejection("threshold: -1");
 * }</pre>
 *
 * <p>Not thread-safe, as strategies are not: one test thread at a time.
 */
public final class TestStrategy {

    private final DriftStrategy strategy;
    private final String type;
    private String observerName = "test";
    private boolean configured;

    private TestStrategy(DriftStrategy strategy) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        ExtensionType annotation = strategy.getClass().getAnnotation(ExtensionType.class);
        this.type = annotation == null ? strategy.getClass().getSimpleName() : annotation.value();
    }

    /** A harness for {@code strategy}; messages name it by its {@code @ExtensionType}. */
    public static TestStrategy of(DriftStrategy strategy) {
        return new TestStrategy(strategy);
    }

    /** The observer name messages show ({@code observer 'NAME' strategy 'TYPE'}); default {@code test}. */
    public TestStrategy observerName(String name) {
        this.observerName = name;
        return this;
    }

    /**
     * Configures the strategy with {@code yaml} as its {@code strategy.config}, then rejects keys
     * it did not read, as the host does.
     *
     * @throws IllegalArgumentException with the host's message (the snippet's file and line, owner
     *                                  and key) if the snippet or a value is refused
     */
    public TestStrategy configure(String yaml) {
        Settings settings = TestSettings.strategyConfig(observerName, type, yaml);
        strategy.configure(settings);
        TestSettings.rejectUnread(settings, "strategy " + type);
        configured = true;
        return this;
    }

    /**
     * The message with which configuring with {@code yaml} is refused.
     *
     * @throws AssertionError if the settings are accepted
     */
    public String rejection(String yaml) {
        try {
            configure(yaml);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("strategy '" + type + "' accepted settings it should refuse: " + yaml.strip());
    }

    /** The verdict for each event, in order; configures with no settings first if not configured. */
    public List<Verdict> evaluate(List<? extends ModelMetricEvent> events) {
        if (!configured) {
            configure("");
        }
        List<Verdict> verdicts = new ArrayList<>(events.size());
        for (ModelMetricEvent event : events) {
            verdicts.add(Objects.requireNonNull(strategy.evaluate(event),
                    () -> "strategy '" + type + "' returned null for " + event));
        }
        return verdicts;
    }

    /** The verdict for each event, in order. */
    public List<Verdict> evaluate(ModelMetricEvent... events) {
        return evaluate(List.of(events));
    }

    /** The verdict for each event of a JSON-lines file (the wire format of {@code --replay}). */
    public List<Verdict> evaluateJsonLines(Path file) {
        return evaluate(TestEvents.fromJsonLines(file));
    }

    /** The strategy itself, to call {@code reset}, {@code saveState} or {@code restoreState}. */
    public DriftStrategy strategy() {
        return strategy;
    }
}
