package io.visutility.monitor.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.Metrics;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.ObserverContext;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestKitTest {

    /** Drift when latency is over a budget. */
    @ExtensionType("budget")
    public static final class BudgetStrategy implements DriftStrategy {
        private long budget;

        @Override
        public void configure(Settings settings) {
            budget = settings.getLong("budget_ms", 100);
            if (budget <= 0) {
                throw settings.invalid("budget_ms", "must be > 0, got " + budget);
            }
        }

        @Override
        public Verdict evaluate(ModelMetricEvent event) {
            if (event instanceof InferenceLatency latency && latency.latencyMs() > budget) {
                return Verdict.drift(latency.latencyMs(), "over " + budget + " ms");
            }
            return Verdict.stable(0);
        }
    }

    /** Logs and counts what its strategy says is drift. */
    @ExtensionType("drift-counter")
    public static final class DriftCounter implements Observer {
        private ObserverContext context;
        private DriftStrategy strategy;
        private Metrics.Counter drifts;
        private String prefix;

        @Override
        public void start(ObserverContext ctx) {
            context = ctx;
            prefix = ctx.settings().getString("prefix", "drift");
            strategy = ctx.newStrategy();
            drifts = ctx.metrics().counter("test_drifts", "Drift verdicts", "model");
        }

        @Override
        public void onEvent(ModelMetricEvent event) {
            Verdict verdict = strategy.evaluate(event);
            context.reportVerdict(event.model(), event.timestamp(), verdict, verdict.level() == Verdict.Level.DRIFT);
            if (verdict.level() == Verdict.Level.DRIFT) {
                drifts.inc(1, event.model().name());
                context.logger().warn("{} {} {}: {}", prefix, event.model().name(), event.model().version(), verdict.reason());
            }
        }
    }

    @TempDir
    Path dir;

    @Test
    void aStrategyRunsOverEventsWithItsSettings() {
        List<Verdict> verdicts = TestStrategy.of(new BudgetStrategy()).configure("budget_ms: 200").evaluate(
                TestEvents.latency("ranker", "v7", 150), TestEvents.latency("ranker", "v7", 250));

        assertThat(verdicts).extracting(Verdict::level).containsExactly(Verdict.Level.STABLE, Verdict.Level.DRIFT);
        assertThat(verdicts.get(1).reason()).isEqualTo("over 200 ms");
    }

    @Test
    void aStrategyRunsOverAJsonLinesFile() throws Exception {
        Path events = Files.writeString(dir.resolve("events.jsonl"), """
                {"type":"inference_latency","model":"ranker","version":"v7","latency_ms":50}

                {"type":"inference_latency","model":"ranker","version":"v7","latency_ms":500}
                """);

        assertThat(TestStrategy.of(new BudgetStrategy()).evaluateJsonLines(events)).extracting(Verdict::level)
                .containsExactly(Verdict.Level.STABLE, Verdict.Level.DRIFT);
    }

    @Test
    void aBadLineOfAJsonLinesFileIsNamedWithItsLine() throws Exception {
        Path events = Files.writeString(dir.resolve("bad.jsonl"), """
                {"type":"inference_latency","model":"ranker","version":"v7","latency_ms":50}
                {"type":"inference_latency","model":"ranker","version":"v7","latency_ms":-1}
                """);

        assertThatThrownBy(() -> TestStrategy.of(new BudgetStrategy()).evaluateJsonLines(events))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(events + ":2: ")
                .hasMessageContaining("latency_ms");
    }

    @Test
    void aBadValueIsRefusedWithTheHostsMessageAndTheSnippetsLine() {
        String message = TestStrategy.of(new BudgetStrategy()).rejection("""
                # the budget
                budget_ms: -5
                """);

        assertThat(message).isEqualTo("settings.yaml:2: observer 'test' strategy 'budget': key 'budget_ms': must be > 0, got -5");
    }

    @Test
    void anUnknownKeyIsRefusedAsTheHostRefusesIt() {
        assertThat(TestStrategy.of(new BudgetStrategy()).rejection("{budget_ms: 10, budgt: 3}"))
                .isEqualTo("settings.yaml:1: observer 'test' strategy 'budget': key 'budgt': unknown key for strategy "
                        + "budget; it reads: budget_ms");
    }

    @Test
    void aSnippetThatIsNotAMapIsRefusedWithTheHostsMessage() {
        assertThat(TestStrategy.of(new BudgetStrategy()).rejection("- a\n- b"))
                .startsWith("settings.yaml:1: ").contains("expected a map");
    }

    @Test
    void acceptedSettingsFailARejectionCheck() {
        assertThatThrownBy(() -> TestStrategy.of(new BudgetStrategy()).rejection("budget_ms: 5"))
                .isInstanceOf(AssertionError.class).hasMessage("strategy 'budget' accepted settings it should refuse: budget_ms: 5");
    }

    @Test
    void anObserverRunsWithItsStrategyAndItsLogLinesAndMetricsAreCaptured() throws Exception {
        try (TestObserver observer = TestObserver.of(new DriftCounter()).name("slow").config("prefix: SLOW")
                .strategy(BudgetStrategy::new, "budget_ms: 100").start()) {
            observer.send(TestEvents.latency("ranker", "v7", 50), TestEvents.latency("ranker", "v7", 150),
                    TestEvents.latency("other", "v1", 300));

            assertThat(observer.logLines()).containsExactly("WARN SLOW ranker v7: over 100 ms", "WARN SLOW other v1: over 100 ms");
            assertThat(observer.metrics().counterValue("test_drifts", "ranker")).isEqualTo(1.0);
            assertThat(observer.metrics().counterValue("test_drifts", "nobody")).isZero();
            assertThat(observer.verdicts()).extracting(v -> v.model().name(), v -> v.verdict().level(),
                    TestObserver.ReportedVerdict::triggered).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("ranker", Verdict.Level.STABLE, false),
                    org.assertj.core.groups.Tuple.tuple("ranker", Verdict.Level.DRIFT, true),
                    org.assertj.core.groups.Tuple.tuple("other", Verdict.Level.DRIFT, true));
        }
    }

    @Test
    void anObserversUnknownKeyIsRefusedAfterStart() throws Exception {
        String message = TestObserver.of(new DriftCounter()).config("prefix: x\nprefx: y")
                .strategy(BudgetStrategy::new, "").rejection();

        assertThat(message).isEqualTo("settings.yaml:2: observer 'test': key 'prefx': unknown key for type drift-counter; "
                + "it reads: prefix");
    }

    @Test
    void anObserverWithoutTheStrategyItNeedsFailsAsOnTheHost() {
        assertThatThrownBy(() -> TestObserver.of(new DriftCounter()).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("type drift-counter needs a drift strategy; add strategy: {type: ...}");
    }

    /** A plugin's own extension point, as an alerts plugin declares {@code Notifier}. */
    public interface Channel extends org.pf4j.ExtensionPoint {
        String id();
    }

    @ExtensionType("broadcaster")
    public static final class Broadcaster implements Observer {
        private List<Channel> channels;
        private ObserverContext context;

        @Override
        public void start(ObserverContext ctx) {
            context = ctx;
            channels = ctx.extensions(Channel.class);
        }

        @Override
        public void onEvent(ModelMetricEvent event) {
            channels.forEach(channel -> context.logger().info("{} via {}", event.type(), channel.id()));
        }
    }

    @Test
    void anObserverFindsTheExtensionsTheTestGivesForItsExtensionPoint() throws Exception {
        try (TestObserver observer = TestObserver.of(new Broadcaster())
                .extensions(Channel.class, () -> () -> "pager", () -> () -> "mail").start()) {
            observer.send(new InferenceLatency(new io.visutility.monitor.api.ModelVersion("m", "v1"), 5,
                    java.time.Instant.parse("2026-11-26T10:00:00Z")));

            assertThat(observer.logLines()).containsExactly("INFO inference_latency via pager",
                    "INFO inference_latency via mail");
        }
    }
}
