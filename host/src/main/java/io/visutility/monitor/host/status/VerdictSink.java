package io.visutility.monitor.host.status;

import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Verdict;
import java.time.Instant;

/**
 * Where observers' verdicts go ({@code ObserverContext.reportVerdict}). Implementations are
 * thread-safe: observers report from their own threads.
 */
@FunctionalInterface
public interface VerdictSink {

    /** Drops every verdict: for hosts and tests that keep no status. */
    VerdictSink NONE = (observer, strategy, model, at, verdict, triggered) -> { };

    /**
     * Takes one verdict.
     *
     * @param observer  the reporting observer's manifest name
     * @param strategy  its strategy type, or "" if it configures none
     * @param model     the model version the verdict is about
     * @param at        the event time it was reached at
     * @param verdict   the verdict
     * @param triggered whether the observer acted on it
     */
    void report(String observer, String strategy, ModelVersion model, Instant at, Verdict verdict, boolean triggered);
}
