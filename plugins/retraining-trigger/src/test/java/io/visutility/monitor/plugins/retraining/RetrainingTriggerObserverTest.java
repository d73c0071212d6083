package io.visutility.monitor.plugins.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.ObserverContext;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.Marker;

class RetrainingTriggerObserverTest {

    private static final ModelVersion DETECTOR = new ModelVersion("object_detector", "v1.2.3");
    private static final ModelVersion SCORER = new ModelVersion("fraud_scorer", "v2.0.1");
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    /** DRIFT when p <= 0.05, WARNING when p <= 0.1; counts resets, like a real stateful strategy would. */
    private static final class CountingStrategy implements DriftStrategy {
        int resets;

        @Override
        public Verdict evaluate(ModelMetricEvent event) {
            double p = ((ConceptDrift) event).pValue();
            if (p <= 0.05) {
                return Verdict.drift(p, "p=" + p);
            }
            return p <= 0.1 ? new Verdict(Verdict.Level.WARNING, p, "p=" + p) : Verdict.stable(p);
        }

        @Override
        public void reset() {
            resets++;
        }
    }

    /** A host context whose logger records formatted INFO lines. */
    private static final class TestContext implements ObserverContext {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<CountingStrategy> strategies = new ArrayList<>();
        final Settings settings;
        final boolean hasStrategy;

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
            return "counting";
        }

        @Override
        public Logger logger() {
            return new RecordingLogger(lines);
        }
    }

    private static ConceptDrift concept(ModelVersion model, double p, int minutes) {
        return new ConceptDrift(model, p, T0.plusSeconds(60L * minutes));
    }

    @Test
    void triggersOncePerCooldownInEventTimePerModelVersion() throws Exception {
        TestContext ctx = new TestContext(Map.of("cooldown", "10m"), true);
        RetrainingTriggerObserver trigger = new RetrainingTriggerObserver();
        trigger.start(ctx);

        trigger.onEvent(concept(DETECTOR, 0.5, 0));
        trigger.onEvent(concept(DETECTOR, 0.01, 1));   // trigger
        trigger.onEvent(concept(SCORER, 0.9, 1));
        trigger.onEvent(concept(DETECTOR, 0.01, 5));   // within cooldown
        trigger.onEvent(concept(SCORER, 0.02, 6));     // other model: its own cooldown
        trigger.onEvent(concept(DETECTOR, 0.01, 10));  // 9 minutes after: still within
        trigger.onEvent(concept(DETECTOR, 0.01, 11));  // 10 minutes after: trigger again

        assertThat(ctx.lines).containsExactly(
                "retraining triggered model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:01:00Z reason=p=0.01",
                "retraining triggered model=fraud_scorer version=v2.0.1 strategy=counting at=2026-11-26T10:06:00Z reason=p=0.02",
                "retraining triggered model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:11:00Z reason=p=0.01");
        // one validation instance at start, then one per model version; reset after each trigger
        assertThat(ctx.strategies).hasSize(3);
        assertThat(ctx.strategies.get(1).resets).isEqualTo(2);
        assertThat(ctx.strategies.get(2).resets).isEqualTo(1);
    }

    @Test
    void aWarningIsLoggedOncePerEpisode() throws Exception {
        TestContext ctx = new TestContext(Map.of(), true);
        RetrainingTriggerObserver trigger = new RetrainingTriggerObserver();
        trigger.start(ctx);

        trigger.onEvent(concept(DETECTOR, 0.08, 0));
        trigger.onEvent(concept(DETECTOR, 0.07, 1));
        trigger.onEvent(concept(DETECTOR, 0.09, 2));
        trigger.onEvent(concept(DETECTOR, 0.5, 3));
        trigger.onEvent(concept(DETECTOR, 0.06, 4));

        assertThat(ctx.lines).containsExactly(
                "drift warning model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:00:00Z reason=p=0.08",
                "drift warning model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:04:00Z reason=p=0.06");
    }

    @Test
    void defaultCooldownIsTenMinutes() throws Exception {
        TestContext ctx = new TestContext(Map.of(), true);
        RetrainingTriggerObserver trigger = new RetrainingTriggerObserver();
        trigger.start(ctx);

        trigger.onEvent(concept(DETECTOR, 0.01, 0));
        trigger.onEvent(concept(DETECTOR, 0.01, 9));
        trigger.onEvent(concept(DETECTOR, 0.01, 10));

        assertThat(ctx.lines).hasSize(2);
    }

    @Test
    void failsAtStartWithoutAStrategyOrWithABadCooldown() {
        assertThatThrownBy(() -> new RetrainingTriggerObserver().start(new TestContext(Map.of(), false)))
                .hasMessageContaining("needs a drift strategy");
        assertThatThrownBy(() -> new RetrainingTriggerObserver().start(new TestContext(Map.of("cooldown", "soon"), true)))
                .hasMessageContaining("key 'cooldown': expected a duration");
    }

    /** Records INFO lines, formatted as SLF4J would. */
    private static final class RecordingLogger extends AbstractLogger {
        private final List<String> lines;

        RecordingLogger(List<String> lines) {
            this.lines = lines;
            this.name = "observer.retrain";
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                                   Throwable throwable) {
            if (level == Level.INFO) {
                lines.add(MessageFormatter.basicArrayFormat(pattern, args));
            }
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return true;
        }
    }
}
