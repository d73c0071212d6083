package io.visutility.monitor.plugins.retraining;

import io.visutility.monitor.api.Metrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Runs an observer's {@link RetrainingAction} off the event thread: one run at a time on a single
 * worker thread, behind a bounded queue. A trigger that finds the queue full is skipped and
 * counted, never waited for, so {@code onEvent} stays fast. Counts every outcome in
 * {@code model_retraining_actions{observer, action, result}}.
 *
 * <p>{@link #stop} waits for the running and queued actions up to {@code min(action timeout,
 * maxStopWait)}, then interrupts the running one (which destroys its process) and skips the queued
 * ones: it never hangs.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread; {@link #stop} once.
 */
final class ActionRunner {

    static final int DEFAULT_CAPACITY = 64;
    static final Duration DEFAULT_MAX_STOP_WAIT = Duration.ofSeconds(30);
    /** How long an interrupted action gets to clean up: covers {@link ExecAction}'s destroy grace twice. */
    private static final Duration INTERRUPT_WAIT = ExecAction.DESTROY_GRACE.multipliedBy(2).plusSeconds(1);

    private final RetrainingAction action;
    private final String observer;
    private final Logger log;
    private final Metrics.Counter results;
    private final int capacity;
    private final Duration stopWait;
    private final ThreadPoolExecutor executor;

    ActionRunner(RetrainingAction action, String observer, Logger log, Metrics.Counter results, int capacity,
                 Duration maxStopWait) {
        this.action = action;
        this.observer = observer;
        this.log = log;
        this.results = results;
        this.capacity = capacity;
        this.stopWait = action.timeout().compareTo(maxStopWait) < 0 ? action.timeout() : maxStopWait;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
                runnable -> {
                    Thread thread = new Thread(runnable, "retraining-action-" + observer);
                    thread.setDaemon(true); // stop() bounds the wait; an abandoned action must not hold the JVM
                    return thread;
                });
    }

    /** Queues the action for this trigger, or skips it (logged at WARN, counted) if the queue is full. Never throws. */
    void submit(Trigger trigger) {
        try {
            executor.execute(new Job(trigger));
        } catch (RejectedExecutionException e) {
            skipped(trigger, executor.isShutdown() ? "the observer is stopping"
                    : capacity + " actions already waiting");
        }
    }

    /** Waits for the queue to drain within the bound, then abandons what is left and releases the action. */
    void stop() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(stopWait.toMillis(), TimeUnit.MILLISECONDS)) {
                List<Runnable> dropped = executor.shutdownNow(); // interrupts the running action
                for (Runnable job : dropped) {
                    skipped(((Job) job).trigger, "the observer stopped before it ran");
                }
                if (!executor.awaitTermination(INTERRUPT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("retraining action {}: the running action did not end at stop; abandoned", action.name());
                }
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            action.close();
        }
    }

    private void run(Trigger trigger) {
        ActionResult result;
        try {
            result = action.run(trigger, log);
        } catch (InterruptedException e) {
            log.warn("retraining action {} {} abandoned at stop after waiting {}", action.name(), trigger.describe(),
                    Durations.format(stopWait));
            result = ActionResult.FAILED;
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("retraining action {} {} failed: {}", action.name(), trigger.describe(), e.toString());
            result = ActionResult.FAILED;
        }
        count(result);
    }

    private void skipped(Trigger trigger, String why) {
        log.warn("retraining action {} {} skipped: {}", action.name(), trigger.describe(), why);
        count(ActionResult.SKIPPED);
    }

    private void count(ActionResult result) {
        try {
            results.inc(1, observer, action.name(), result.label());
        } catch (RuntimeException e) {
            log.warn("cannot count a retraining action: {}", e.toString()); // a metrics fault must not reach onEvent
        }
    }

    /** A queued run; keeps its trigger so that a run dropped at stop can be reported. */
    private final class Job implements Runnable {
        private final Trigger trigger;

        Job(Trigger trigger) {
            this.trigger = trigger;
        }

        @Override
        public void run() {
            ActionRunner.this.run(trigger);
        }
    }
}
