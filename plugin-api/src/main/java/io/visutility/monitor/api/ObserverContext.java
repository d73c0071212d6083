package io.visutility.monitor.api;

import java.time.Instant;
import java.util.List;
import org.pf4j.ExtensionPoint;
import org.slf4j.Logger;

/**
 * What the host gives an {@link Observer} instance at {@link Observer#start}. Implemented by the
 * host; safe to keep and to use from any thread for the life of the observer.
 */
public interface ObserverContext {

    /** The instance name from the manifest ({@code observers[].name}). */
    String name();

    /** The entry's {@code config} map; empty if the manifest gives none. */
    Settings settings();

    /**
     * Creates a new, configured instance of the strategy the manifest entry names in
     * {@code strategy}. Call it once per model version: strategies are stateful.
     *
     * @throws IllegalStateException naming the observer and manifest line if the entry
     *                               configures no strategy
     */
    DriftStrategy newStrategy();

    /**
     * The type name of the strategy the manifest entry configures (its {@code strategy.type}), for
     * log lines; empty if it configures none. The default suits contexts made in plugin tests.
     */
    default String strategyType() {
        return "";
    }

    /** A logger named after this instance ({@code observer.<name>}). */
    Logger logger();

    /**
     * Where this observer publishes its own metrics: the host's registry, served on
     * {@code GET /metrics}. The default, for contexts made in plugin tests, is {@link Metrics#NONE}.
     */
    default Metrics metrics() {
        return Metrics.NONE;
    }

    /**
     * A new instance of each extension of {@code type} that the loaded plugins provide, in the
     * order of their jars' names. {@code type} is an extension point a plugin declares (an
     * interface extending {@link ExtensionPoint}, such as a {@code Notifier} of an alerts plugin);
     * the plugins that depend on that plugin ({@code Plugin-Dependencies}) contribute classes
     * annotated {@code @org.pf4j.Extension} that implement it. Only classes that see the same
     * {@code type} as the caller are found, so a plugin never sees a copy it cannot use.
     *
     * <p>When a plugin that provides extensions of a type this observer looked up is loaded,
     * reloaded or removed, the host restarts the observer (its events are held meanwhile and then
     * delivered to the new instance), so that none keeps a stale extension: look extensions up in
     * {@link Observer#start}. The default, for contexts made in plugin tests, finds none.
     *
     * @param type the extension point
     * @param <T>  the extension point's type
     * @return the extensions, each a new instance; empty if there are none
     * @throws IllegalArgumentException if {@code type} is {@link Observer} or
     *                                  {@link DriftStrategy}: the manifest names those
     * @since 0.2.0
     */
    default <T extends ExtensionPoint> List<T> extensions(Class<T> type) {
        return List.of();
    }

    /**
     * Tells the host what this observer's drift strategy concluded about a model version, so
     * that the host can keep the model's health ({@code ok}, {@code warning}, {@code drift}), plot
     * the score and alert on it. Call it for each verdict (STABLE ones too: a STABLE verdict
     * clears a warning). The host keeps the health across hot reloads; the observer keeps no
     * copy of it for the host. Thread-safe; cheap enough to call for every event. The default,
     * for contexts made in plugin tests, does nothing.
     *
     * @param model     the model version the verdict is about
     * @param at        the event time of the event that led to it
     * @param verdict   the verdict
     * @param triggered whether the observer acted on it (a retraining trigger fired), for the
     *                  trigger markers of the status page
     * @since 0.2.0
     */
    default void reportVerdict(ModelVersion model, Instant at, Verdict verdict, boolean triggered) {
    }
}
