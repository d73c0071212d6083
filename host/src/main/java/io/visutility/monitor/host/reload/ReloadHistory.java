package io.visutility.monitor.host.reload;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The last {@value #KEPT} reloads (manifest edits and plugin jar changes) with their result, for
 * {@code GET /v1/reloads}, and the last jar reload that failed, for {@code /healthz}.
 *
 * <p>Thread-safe: every method takes this object's lock.
 */
public final class ReloadHistory {

    /** How many reloads are kept. */
    public static final int KEPT = 20;

    /** What a reload was about. */
    public enum Kind {
        /** The manifest was edited (or could not be read). */
        MANIFEST,
        /** A plugin jar was added, replaced or removed. */
        JAR
    }

    /**
     * One reload.
     *
     * @param at      when it was applied or refused (wall clock)
     * @param kind    manifest or jar
     * @param ok      whether it was applied
     * @param subject the manifest file, or the jar's file name
     * @param message what changed, or why it was refused
     */
    public record Reload(Instant at, Kind kind, boolean ok, String subject, String message) {
    }

    private final Clock clock;
    private final Deque<Reload> recent = new ArrayDeque<>();
    private Reload lastFailedJar;

    public ReloadHistory(Clock clock) {
        this.clock = clock;
    }

    /** Records a reload, dropping the oldest past {@value #KEPT}. */
    public synchronized void record(Kind kind, boolean ok, String subject, String message) {
        Reload reload = new Reload(clock.instant(), kind, ok, subject, message);
        recent.addFirst(reload);
        if (recent.size() > KEPT) {
            recent.removeLast();
        }
        if (kind == Kind.JAR && !ok) {
            lastFailedJar = reload;
        }
    }

    /** The recent reloads, newest first. */
    public synchronized List<Reload> recent() {
        return new ArrayList<>(recent);
    }

    /** The last jar reload that failed (the plugin kept or removed), if any. */
    public synchronized Optional<Reload> lastFailedJar() {
        return Optional.ofNullable(lastFailedJar);
    }
}
