package com.example.monitor;

import static io.visutility.monitor.testkit.TestEvents.conceptDrift;
import static io.visutility.monitor.testkit.TestEvents.latency;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.visutility.monitor.testkit.TestObserver;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlowModelObserverTest {

    @Test
    void warnsAndCountsEachLatencyOverTheBudget() throws Exception {
        try (TestObserver observer = TestObserver.of(new SlowModelObserver()).config("budget_ms: 200").start()) {
            observer.send(latency("ranker", "v7", 150), latency("ranker", "v7", 250), conceptDrift("ranker", "v7", 0.01),
                    latency("ranker", "v8", 900));

            assertEquals(List.of("WARN model=ranker version=v7 took 250 ms, over its 200 ms budget",
                    "WARN model=ranker version=v8 took 900 ms, over its 200 ms budget"), observer.logLines());
            assertEquals(2.0, observer.metrics().counterValue("slow_model_events", "ranker"));
        }
    }

    @Test
    void refusesABudgetThatIsNotPositive() throws Exception {
        assertEquals("settings.yaml:1: observer 'test': key 'budget_ms': must be > 0, got -1",
                TestObserver.of(new SlowModelObserver()).config("budget_ms: -1").rejection());
    }

    @Test
    void refusesAMisspeltKeyAsTheHostWould() throws Exception {
        assertEquals("settings.yaml:1: observer 'test': key 'budget': unknown key for type slow-model; it reads: budget_ms",
                TestObserver.of(new SlowModelObserver()).config("budget: 200").rejection());
    }
}
