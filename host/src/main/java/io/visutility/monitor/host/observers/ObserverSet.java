package io.visutility.monitor.host.observers;

import io.visutility.monitor.api.Metrics;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.ObserverStats;
import io.visutility.monitor.host.bus.Registration;
import io.visutility.monitor.host.manifest.Manifest;
import io.visutility.monitor.host.manifest.ManifestException;
import io.visutility.monitor.host.manifest.ObserverSpec;
import io.visutility.monitor.host.observers.ObserverFactory.Created;
import io.visutility.monitor.host.observers.ObserverFactory.EntryException;
import io.visutility.monitor.host.plugins.ExtensionCatalog;
import io.visutility.monitor.host.status.VerdictSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running observers of a manifest, each created from a plugin's class, started, and registered
 * on the bus; and the changes a hot reload makes to them.
 *
 * <p>{@link #start} checks every entry fully before any event can reach any observer: each type
 * exists, each strategy is created and configured once, each observer starts, and no config key
 * is left that the plugin never read (a misspelt key would otherwise silently use a default).
 * Later changes ({@link #apply}, {@link #retire}, {@link #replacePlugins}) keep the observers they
 * do not touch, with their state, and swap the others without losing an event.
 *
 * <p>Thread-safe: every method but {@link #stats()} is synchronized (stats reads a published
 * snapshot); each observer's {@code stop()} runs once.
 */
public final class ObserverSet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ObserverSet.class);

    private final EventBus bus;
    private final Metrics metrics;
    /** The host's catalog at each moment, for the contexts' extension lookups. */
    private final Supplier<ExtensionCatalog> live;
    private final VerdictSink verdicts;
    private final Map<String, Active> active = new LinkedHashMap<>();
    /** What {@link #stats()} reads: the registrations of {@code active}, republished on each change. */
    private volatile Map<String, Registration> registrations = Map.of();
    /** Enabled entries whose observer or strategy type no loaded plugin provides. */
    private final Map<String, ObserverSpec> waiting = new LinkedHashMap<>();
    /** Why a waiting entry was stopped, when a plugin it needs went: entry name to reason. */
    private final Map<String, String> waitReasons = new LinkedHashMap<>();
    /** The enabled entries' names in manifest order, which {@link #names()} and {@link #stats()} keep. */
    private List<String> order = List.of();
    private boolean closed;

    /**
     * A running observer: its entry, instance, lane, the plugins it needs and the extension point
     * types it looked up.
     */
    private record Active(ObserverSpec spec, Observer observer, Registration registration, Set<String> pluginIds,
                          Set<String> lookups) {

        Active(ObserverSpec spec, Created instance, Registration registration) {
            this(spec, instance.observer(), registration, instance.pluginIds(), instance.lookups());
        }

        boolean needs(Set<String> plugins, Set<String> types) {
            return !Collections.disjoint(pluginIds, plugins) || !Collections.disjoint(lookups, types);
        }
    }

    private ObserverSet(EventBus bus, Metrics metrics, Supplier<ExtensionCatalog> live, VerdictSink verdicts) {
        this.bus = bus;
        this.metrics = metrics;
        this.live = live;
        this.verdicts = verdicts;
    }

    /**
     * Creates, starts and registers the manifest's enabled observers, all or none.
     *
     * @param catalog the plugins' types to create the observers from
     * @param live    the host's catalog at each moment, where observers look extensions up
     * @throws ManifestException listing every entry that cannot run; nothing is then registered
     *                           and every observer already started is stopped again
     */
    public static ObserverSet start(Manifest manifest, ExtensionCatalog catalog, EventBus bus, Metrics metrics,
                                    Supplier<ExtensionCatalog> live) throws ManifestException {
        return start(manifest, catalog, bus, metrics, live, VerdictSink.NONE);
    }

    /**
     * Like {@link #start(Manifest, ExtensionCatalog, EventBus, Metrics, Supplier)}, with the
     * observers' verdicts reported to {@code verdicts}.
     */
    public static ObserverSet start(Manifest manifest, ExtensionCatalog catalog, EventBus bus, Metrics metrics,
                                    Supplier<ExtensionCatalog> live, VerdictSink verdicts) throws ManifestException {
        List<String> problems = new ArrayList<>();
        Map<ObserverSpec, Created> created = new LinkedHashMap<>();
        for (ObserverSpec spec : manifest.enabledObservers()) {
            try {
                created.put(spec, ObserverFactory.create(spec, catalog, metrics, live, verdicts));
            } catch (EntryException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            created.forEach((spec, instance) -> ObserverFactory.stop(spec, instance.observer()));
            throw new ManifestException(problems);
        }
        ObserverSet set = new ObserverSet(bus, metrics, live, verdicts);
        synchronized (set) {
            set.order = created.keySet().stream().map(ObserverSpec::name).toList();
            created.forEach(set::register);
        }
        return set;
    }

    /** The names of the running observers, in manifest order. */
    public synchronized List<String> names() {
        return List.copyOf(active.keySet());
    }

    /** Enabled entries waiting for a plugin that provides their type: name to type. */
    public synchronized Map<String, String> waiting() {
        Map<String, String> types = new LinkedHashMap<>();
        waiting.forEach((name, spec) -> types.put(name, spec.type()));
        return types;
    }

    /** Why a waiting entry was stopped, if a plugin it needed went (see {@link #retire}). */
    public synchronized Optional<String> waitReason(String name) {
        return Optional.ofNullable(waitReasons.get(name));
    }

    /**
     * Each running observer's counters. Takes no lock: a scrape of {@code /metrics} must not wait
     * for a reload that is stopping an observer.
     */
    public Map<String, ObserverStats> stats() {
        Map<String, ObserverStats> stats = new LinkedHashMap<>();
        registrations.forEach((name, registration) -> stats.put(name, registration.stats()));
        return stats;
    }

    /**
     * Brings the running observers to {@code next}: removed and disabled entries are drained and
     * stopped; new ones started; changed ones swapped for a new instance (events meanwhile are
     * held and go to the new one); unchanged ones keep their instance and state. A new or waiting
     * entry whose type no loaded plugin provides waits for it; a running one is an error.
     *
     * @return what changed, for the reload log line ("" if nothing did)
     * @throws ManifestException if an entry cannot run for another reason; then nothing changed
     */
    public synchronized String apply(Manifest next, ExtensionCatalog catalog) throws ManifestException {
        Map<String, ObserverSpec> desired = new LinkedHashMap<>();
        next.enabledObservers().forEach(spec -> desired.put(spec.name(), spec));
        Map<ObserverSpec, Created> created = new LinkedHashMap<>();
        Map<String, ObserverSpec> nowWaiting = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (ObserverSpec spec : desired.values()) {
            Active current = active.get(spec.name());
            if (current != null && current.spec().sameAs(spec)) {
                continue;
            }
            try {
                created.put(spec, ObserverFactory.create(spec, catalog, metrics, live, verdicts));
            } catch (EntryException e) {
                // A new entry may wait for its plugin's jar; a running observer is not stopped
                // for a type no plugin provides (a typo would silently turn it off).
                if (e.missingType() && current == null) {
                    nowWaiting.put(spec.name(), spec);
                } else {
                    problems.add(e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            created.forEach((spec, instance) -> ObserverFactory.stop(spec, instance.observer()));
            throw new ManifestException(problems);
        }
        List<String> changes = new ArrayList<>();
        for (String name : List.copyOf(active.keySet())) {
            if (!desired.containsKey(name) || (nowWaiting.containsKey(name) && !created.containsKey(desired.get(name)))) {
                if (!desired.containsKey(name)) {
                    changes.add("removed " + name);
                } else {
                    changes.add(name + " waits for its type");
                }
                unregister(deactivate(name));
            }
        }
        for (ObserverSpec spec : desired.values()) {
            Active current = active.get(spec.name());
            Created instance = created.get(spec);
            if (instance == null) {
                if (current != null) { // same instance; the entry may have moved in the file
                    activate(spec.name(), new Active(spec, current.observer(), current.registration(),
                            current.pluginIds(), current.lookups()));
                }
            } else if (current == null) {
                register(spec, instance);
                changes.add("added " + spec.name());
            } else {
                changes.add("restarted " + spec.name() + swap(current, spec, instance));
            }
        }
        order = List.copyOf(desired.keySet());
        reorder();
        waiting.clear();
        waiting.putAll(nowWaiting);
        waitReasons.keySet().retainAll(waiting.keySet());
        return String.join(", ", changes);
    }

    /**
     * Drains, stops and unregisters the observers that need any of {@code pluginIds}, which are
     * about to be unloaded for good; their entries wait for their type.
     *
     * @param reason why, for {@link #waitReason} (such as the dependency that went), or null
     * @return the names of the observers retired
     */
    public synchronized List<String> retire(Set<String> pluginIds, String reason) {
        List<String> retired = new ArrayList<>();
        for (Active entry : List.copyOf(active.values())) {
            if (entry.needs(pluginIds, Set.of())) {
                deactivate(entry.spec().name());
                unregister(entry);
                waiting.put(entry.spec().name(), entry.spec());
                if (reason != null) {
                    waitReasons.put(entry.spec().name(), reason);
                }
                retired.add(entry.spec().name());
            }
        }
        return retired;
    }

    /**
     * Replaces plugins under running observers: the observers that need any of {@code pluginIds},
     * or looked up extensions of any of {@code types}, are held (their events wait in their lanes)
     * and stopped; {@code swap} unloads and loads the plugins and returns the new catalog; the
     * observers are created again from it and resumed with what was held. One that cannot be
     * created again is retired and waits for its type.
     *
     * @return per observer, how many events were held during the swap
     */
    public synchronized Map<String, Integer> replacePlugins(Set<String> pluginIds, Set<String> types,
                                                            Supplier<ExtensionCatalog> swap) {
        List<Active> affected = active.values().stream().filter(entry -> entry.needs(pluginIds, types)).toList();
        // All at once: a reload waits for the slowest observer's hold and stop, not for their sum.
        eachOnItsOwnThread(affected, "hold-", entry -> {
            if (!entry.registration().hold()) {
                LOG.warn("reload: observer '{}' did not return from onEvent within its shutdown timeout;"
                        + " stopping it anyway", entry.spec().name());
            }
            ObserverFactory.stop(entry.spec(), entry.observer());
        });
        ExtensionCatalog catalog = swap.get();
        Map<String, Integer> held = new LinkedHashMap<>();
        for (Active entry : affected) {
            ObserverSpec spec = entry.spec();
            try {
                Created instance = ObserverFactory.create(spec, catalog, metrics, live, verdicts);
                held.put(spec.name(), entry.registration().resume(instance.observer()));
                activate(spec.name(), new Active(spec, instance, entry.registration()));
            } catch (EntryException e) {
                LOG.error("reload: observer '{}' cannot start again: {}", spec.name(), e.getMessage());
                waitReasons.put(spec.name(), e.getMessage());
                entry.registration().resume(new Unavailable(spec.name())); // held events count as failed
                entry.registration().close();
                deactivate(spec.name());
                waiting.put(spec.name(), spec);
            }
        }
        return held;
    }

    /**
     * Starts the waiting observers whose types {@code catalog} now provides.
     *
     * @return the names of the observers started
     */
    public synchronized List<String> startWaiting(ExtensionCatalog catalog) {
        List<String> started = new ArrayList<>();
        for (ObserverSpec spec : List.copyOf(waiting.values())) {
            try {
                register(spec, ObserverFactory.create(spec, catalog, metrics, live, verdicts));
                waiting.remove(spec.name());
                waitReasons.remove(spec.name());
                started.add(spec.name());
                reorder();
            } catch (EntryException e) {
                if (!e.missingType()) {
                    LOG.error("reload: observer '{}' cannot start: {}", spec.name(), e.getMessage());
                }
            }
        }
        return started;
    }

    /** Puts the running observers in manifest order again: a registration appends at the end. */
    private void reorder() {
        Map<String, Active> ordered = new LinkedHashMap<>();
        order.stream().filter(active::containsKey).forEach(name -> ordered.put(name, active.get(name)));
        active.forEach(ordered::putIfAbsent);
        active.clear();
        active.putAll(ordered);
        publishRegistrations();
    }

    private void activate(String name, Active entry) {
        active.put(name, entry);
        publishRegistrations();
    }

    private Active deactivate(String name) {
        Active removed = active.remove(name);
        publishRegistrations();
        return removed;
    }

    private void deactivateAll() {
        active.clear();
        publishRegistrations();
    }

    private void publishRegistrations() {
        Map<String, Registration> current = new LinkedHashMap<>();
        active.forEach((name, entry) -> current.put(name, entry.registration()));
        registrations = Collections.unmodifiableMap(current);
    }

    /**
     * Unregisters every observer, drains its lane within its shutdown timeout and then stops it
     * once; all observers at once, each on a thread of its own. Idempotent.
     */
    @Override
    public void close() {
        List<Active> entries;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            entries = List.copyOf(active.values());
            deactivateAll();
        }
        // Shutdown takes the longest drain-and-stop, not their sum.
        eachOnItsOwnThread(entries, "stop-", entry -> {
            entry.registration().close();
            ObserverFactory.stop(entry.spec(), entry.observer());
            logStopped(entry);
        });
    }

    /**
     * Runs {@code work} for every entry at once, each on a thread of its own, and waits for all,
     * even when interrupted (plugins are unloaded next: nothing may still be stopping then).
     */
    private static void eachOnItsOwnThread(List<Active> entries, String threadPrefix, Consumer<Active> work) {
        List<Thread> threads = new ArrayList<>();
        for (Active entry : entries) {
            Thread thread = new Thread(() -> work.accept(entry), threadPrefix + entry.spec().name());
            thread.start();
            threads.add(thread);
        }
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void register(ObserverSpec spec, Created instance) {
        Registration registration = bus.register(spec.name(), new ManifestFilter(spec.events(), spec.models()),
                instance.observer(), spec.dispatch());
        activate(spec.name(), new Active(spec, instance, registration));
        LOG.info("observer '{}' ({}) started", spec.name(), spec.type());
    }

    private void unregister(Active entry) {
        entry.registration().close();
        ObserverFactory.stop(entry.spec(), entry.observer());
        logStopped(entry);
    }

    /** Puts a new instance behind a running entry; returns a note for the log line. */
    private String swap(Active current, ObserverSpec spec, Created instance) {
        // Either way the old instance stops before the new one sees an event, so that the new one
        // goes on from what the old one left (retraining-trigger's state_dir, a sink's file).
        Registration registration;
        if (current.spec().sameRoute(spec)) {
            if (!current.registration().hold()) {
                LOG.warn("reload: observer '{}' did not return from onEvent within its shutdown timeout;"
                        + " stopping it anyway", spec.name());
            }
            registration = current.registration();
        } else {
            // New filters or dispatch need a new lane: one atomic replacement, which holds its
            // events while the old lane drains to the old instance.
            registration = bus.replace(current.registration(), new ManifestFilter(spec.events(), spec.models()),
                    spec.dispatch());
        }
        ObserverFactory.stop(current.spec(), current.observer());
        int held = registration.resume(instance.observer());
        activate(spec.name(), new Active(spec, instance, registration));
        return " (" + held + (held == 1 ? " event" : " events") + " buffered)";
    }

    private static void logStopped(Active entry) {
        ObserverStats stats = entry.registration().stats();
        LOG.info("observer '{}' stopped; received {}, delivered {}, failed {}, dropped {}{}",
                entry.spec().name(), stats.received(), stats.delivered(), stats.failed(),
                stats.droppedTotal(), stats.droppedTotal() == 0 ? "" : " " + nonZero(stats));
    }

    private static String nonZero(ObserverStats stats) {
        StringBuilder reasons = new StringBuilder();
        stats.dropped().entrySet().stream().filter(e -> e.getValue() > 0).sorted(Map.Entry.comparingByKey())
                .forEach(e -> reasons.append(reasons.length() == 0 ? "(" : ", ")
                        .append(e.getKey().label()).append(' ').append(e.getValue()));
        return reasons.append(')').toString();
    }

    /** Stands in for an observer whose plugin is gone, so the events held for it are counted, not lost. */
    private record Unavailable(String name) implements Observer {
        @Override
        public void onEvent(ModelMetricEvent event) {
            throw new IllegalStateException("observer '" + name + "' is waiting for its plugin");
        }
    }
}
