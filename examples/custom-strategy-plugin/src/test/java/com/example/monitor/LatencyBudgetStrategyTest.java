package com.example.monitor;

import static io.visutility.monitor.testkit.TestEvents.accuracyDrift;
import static io.visutility.monitor.testkit.TestEvents.latency;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.visutility.monitor.api.Verdict;
import io.visutility.monitor.testkit.TestStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyBudgetStrategyTest {

    @Test
    void driftsAfterConsecutiveLatenciesOverTheBudget() {
        List<Verdict> verdicts = TestStrategy.of(new LatencyBudgetStrategy())
                .configure("{budget_ms: 200, consecutive: 2}")
                .evaluate(latency("ranker", "v7", 250), accuracyDrift("ranker", "v7", 0.5),
                        latency("ranker", "v7", 150), latency("ranker", "v7", 300), latency("ranker", "v7", 310));

        assertEquals(List.of(Verdict.Level.STABLE, Verdict.Level.STABLE, Verdict.Level.STABLE, Verdict.Level.STABLE,
                Verdict.Level.DRIFT), verdicts.stream().map(Verdict::level).toList());
        assertEquals("2 latencies in a row over the 200 ms budget", verdicts.get(4).reason());
    }

    @Test
    void refusesABudgetThatIsNotPositiveAsTheHostWouldSayIt() {
        assertEquals("settings.yaml:1: observer 'test' strategy 'latency-budget': key 'budget_ms': must be > 0, got 0",
                TestStrategy.of(new LatencyBudgetStrategy()).rejection("budget_ms: 0"));
    }

    @Test
    void refusesAMisspeltKey() {
        assertEquals("settings.yaml:2: observer 'test' strategy 'latency-budget': key 'consecutve': unknown key for "
                        + "strategy latency-budget; it reads: budget_ms, consecutive",
                TestStrategy.of(new LatencyBudgetStrategy()).rejection("budget_ms: 100\nconsecutve: 2"));
    }
}
