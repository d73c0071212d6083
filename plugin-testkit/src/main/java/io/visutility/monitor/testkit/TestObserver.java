package io.visutility.monitor.testkit;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.Metrics;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.ObserverContext;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Objects;
import java.util.function.Supplier;
import org.pf4j.ExtensionPoint;
import org.slf4j.Logger;

/**
 * Runs an {@link Observer} as the host does, with a recording context: settings from YAML (the
 * host's parser and unknown-key check), log lines, metrics and reported verdicts captured, an
 * optional strategy.
 * Events are delivered on the calling thread, one at a time.
 *
 * <pre>{@code
 * try (TestObserver observer = TestObserver.of(new MyObserver()).config("limit: 3").start()) {
 *     observer.send(TestEvents.latency("ranker", "v7", 250));
 *     assertThat(observer.logLines()).contains("WARN ranker v7 is slow");
 *     assertThat(observer.metrics().counterValue("my_slow_events", "ranker")).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one test thread drives it (the logger and metrics may be used from any).
 */
@SuppressWarnings("try") // close() throws what the observer's stop() throws, as the host lets it
public final class TestObserver implements AutoCloseable {

    private final Observer observer;
    private final String type;
    private String name = "test";
    private String config = "";
    private Supplier<? extends DriftStrategy> strategy;
    private String strategyConfig = "";
    private RecordingLogger logger;
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final List<ReportedVerdict> verdicts = new CopyOnWriteArrayList<>();
    private boolean started;
    private String strategyType = "";
    private final Map<Class<?>, List<Supplier<?>>> extensions = new LinkedHashMap<>();

    private TestObserver(Observer observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
        this.type = typeOf(observer);
    }

    private static String typeOf(Object extension) {
        ExtensionType annotation = extension.getClass().getAnnotation(ExtensionType.class);
        return annotation == null ? extension.getClass().getSimpleName() : annotation.value();
    }

    /** A harness for {@code observer}; messages name it by its {@code @ExtensionType}. */
    public static TestObserver of(Observer observer) {
        return new TestObserver(observer);
    }

    /** The instance name ({@code observers[].name}); default {@code test}. */
    public TestObserver name(String name) {
        this.name = name;
        return this;
    }

    /** Its {@code config}, as YAML; default none. */
    public TestObserver config(String yaml) {
        this.config = yaml;
        return this;
    }

    /**
     * The strategy {@link ObserverContext#newStrategy()} makes and configures with {@code yaml}
     * as its {@code strategy.config}, once per call.
     */
    public TestObserver strategy(Supplier<? extends DriftStrategy> strategy, String yaml) {
        this.strategy = strategy;
        this.strategyConfig = yaml;
        return this;
    }

    /**
     * What {@link ObserverContext#extensions} finds for {@code type}: a new instance from each
     * supplier at each lookup, as the host makes a new instance of each extension. Types not
     * given find none.
     *
     * @since 0.2.0
     */
    @SafeVarargs
    public final <T extends ExtensionPoint> TestObserver extensions(Class<T> type, Supplier<? extends T>... found) {
        extensions.put(type, List.of(found));
        return this;
    }

    /**
     * Starts the observer as the host does: the strategy (if any) made and configured once, then
     * {@code start}, then keys neither read are refused.
     *
     * @throws IllegalArgumentException with the host's message for a refused setting
     * @throws Exception                whatever {@code start} throws
     */
    public TestObserver start() throws Exception {
        Settings settings = TestSettings.observerConfig(name, config);
        logger = new RecordingLogger("observer." + name);
        Context context = new Context(settings);
        if (strategy != null) {
            strategyType = typeOf(context.newStrategy());
        }
        observer.start(context);
        started = true;
        TestSettings.rejectUnread(settings, "type " + type);
        return this;
    }

    /**
     * The message with which starting with this config is refused.
     *
     * @throws AssertionError if the observer starts
     */
    public String rejection() throws Exception {
        try {
            start();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        close();
        throw new AssertionError("observer type '" + type + "' accepted settings it should refuse: " + config.strip());
    }

    /** Delivers events to {@code onEvent}, in order. */
    public TestObserver send(List<? extends ModelMetricEvent> events) throws Exception {
        if (!started) {
            throw new IllegalStateException("call start() first");
        }
        for (ModelMetricEvent event : events) {
            observer.onEvent(event);
        }
        return this;
    }

    /** Delivers events to {@code onEvent}, in order. */
    public TestObserver send(ModelMetricEvent... events) throws Exception {
        return send(List.of(events));
    }

    /** Delivers the events of a JSON-lines file (the wire format of {@code --replay}). */
    public TestObserver sendJsonLines(Path file) throws Exception {
        return send(TestEvents.fromJsonLines(file));
    }

    /** What the observer logged through its context's logger, as {@code LEVEL message} lines. */
    public List<String> logLines() {
        return logger == null ? List.of() : logger.lines();
    }

    /** The metrics it published through its context. */
    public RecordingMetrics metrics() {
        return metrics;
    }

    /** The observer itself. */
    public Observer observer() {
        return observer;
    }

    /**
     * A verdict the observer reported with {@link ObserverContext#reportVerdict}.
     *
     * @param model     the model version it is about
     * @param at        the event time it gave
     * @param verdict   the verdict
     * @param triggered whether it said it acted on it
     * @since 0.2.0
     */
    public record ReportedVerdict(ModelVersion model, Instant at, Verdict verdict, boolean triggered) {
    }

    /**
     * The verdicts the observer reported to the host so far, oldest first.
     *
     * @since 0.2.0
     */
    public List<ReportedVerdict> verdicts() {
        return List.copyOf(verdicts);
    }

    /** Calls {@code stop} once, if it started. */
    @Override
    public void close() throws Exception {
        if (started) {
            started = false;
            observer.stop();
        }
    }

    /** The context handed to {@code start}. */
    private final class Context implements ObserverContext {
        private final Settings settings;

        Context(Settings settings) {
            this.settings = settings;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Settings settings() {
            return settings;
        }

        @Override
        public DriftStrategy newStrategy() {
            if (strategy == null) {
                throw new IllegalStateException(TestSettings.FILE + ":1: observer '" + name + "': type " + type
                        + " needs a drift strategy; add strategy: {type: ...}");
            }
            DriftStrategy made = strategy.get();
            TestStrategy.of(made).observerName(name).configure(strategyConfig);
            return made;
        }

        @Override
        public String strategyType() {
            return strategyType;
        }

        @Override
        public Logger logger() {
            return logger;
        }

        @Override
        public Metrics metrics() {
            return metrics;
        }

        @Override
        public <T extends ExtensionPoint> List<T> extensions(Class<T> type) {
            if (Observer.class.isAssignableFrom(type) || DriftStrategy.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException("observer '" + name + "': " + type.getName()
                        + " is an observer or strategy type; the manifest names those, extensions() does not find them");
            }
            List<T> found = new ArrayList<>();
            for (Supplier<?> extension : extensions.getOrDefault(type, List.of())) {
                found.add(type.cast(extension.get()));
            }
            return found;
        }

        @Override
        public void reportVerdict(ModelVersion model, Instant at, Verdict verdict, boolean triggered) {
            verdicts.add(new ReportedVerdict(Objects.requireNonNull(model, "model"), Objects.requireNonNull(at, "at"),
                    Objects.requireNonNull(verdict, "verdict"), triggered));
        }
    }
}
