package io.visutility.monitor.host.observers;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.ObserverStats;
import io.visutility.monitor.host.bus.Registration;
import io.visutility.monitor.host.manifest.Manifest;
import io.visutility.monitor.host.manifest.ManifestException;
import io.visutility.monitor.host.manifest.ObserverSpec;
import io.visutility.monitor.host.manifest.StrategySpec;
import io.visutility.monitor.host.plugins.ExtensionCatalog;
import io.visutility.monitor.host.plugins.ExtensionClass;
import io.visutility.monitor.host.plugins.UnknownTypeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observers a manifest enables: created from the plugins' classes, started, and registered on
 * a bus, all or none.
 *
 * <p>{@link #start} checks every entry fully before any event can reach any observer: each type
 * exists, each strategy is created and configured once, each observer starts, and no config key
 * is left that the plugin never read (a misspelt key would otherwise silently use a default).
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread, any number of times; each
 * observer's {@code stop()} runs once.
 */
public final class ObserverSet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ObserverSet.class);

    private final List<Running> running;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ObserverSet(List<Running> running) {
        this.running = List.copyOf(running);
    }

    /** One started observer and its bus registration (null until registered). */
    private record Running(ObserverSpec spec, Observer observer, Registration registration) {
    }

    /**
     * Creates, starts and registers the manifest's enabled observers.
     *
     * @throws ManifestException listing every entry that cannot run; nothing is then registered
     *                           and every observer already started is stopped again
     */
    public static ObserverSet start(Manifest manifest, ExtensionCatalog catalog, EventBus bus)
            throws ManifestException {
        List<String> problems = new ArrayList<>();
        List<Running> started = new ArrayList<>();
        for (ObserverSpec spec : manifest.enabledObservers()) {
            try {
                started.add(new Running(spec, startOne(spec, catalog), null));
            } catch (EntryException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            new ObserverSet(started).close();
            throw new ManifestException(problems);
        }
        List<Running> registered = new ArrayList<>();
        for (Running entry : started) {
            ObserverSpec spec = entry.spec();
            Registration registration = bus.register(spec.name(),
                    new ManifestFilter(spec.events(), spec.models()), entry.observer(), spec.dispatch());
            registered.add(new Running(spec, entry.observer(), registration));
            LOG.info("observer '{}' ({}) started", spec.name(), spec.type());
        }
        return new ObserverSet(registered);
    }

    /** The names of the running observers, in manifest order. */
    public List<String> names() {
        return running.stream().map(entry -> entry.spec().name()).toList();
    }

    /**
     * Unregisters every observer and drains its lane (all lanes at once, each within its shutdown
     * timeout), then stops each observer once. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<Thread> draining = new ArrayList<>();
        for (Running entry : running) {
            if (entry.registration() != null) {
                Thread drain = new Thread(entry.registration()::close, "drain-" + entry.spec().name());
                drain.start();
                draining.add(drain);
            }
        }
        for (Thread drain : draining) {
            try {
                drain.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Running entry : running) {
            stopQuietly(entry.spec(), entry.observer());
            if (entry.registration() != null) {
                ObserverStats stats = entry.registration().stats();
                LOG.info("observer '{}' stopped; received {}, delivered {}, failed {}, dropped {}{}",
                        entry.spec().name(), stats.received(), stats.delivered(), stats.failed(),
                        stats.droppedTotal(), stats.droppedTotal() == 0 ? "" : " " + nonZero(stats));
            }
        }
    }

    private static String nonZero(ObserverStats stats) {
        StringBuilder reasons = new StringBuilder();
        stats.dropped().entrySet().stream().filter(e -> e.getValue() > 0).sorted(Map.Entry.comparingByKey())
                .forEach(e -> reasons.append(reasons.length() == 0 ? "(" : ", ")
                        .append(e.getKey().label()).append(' ').append(e.getValue()));
        return reasons.append(')').toString();
    }

    private static void stopQuietly(ObserverSpec spec, Observer observer) {
        try {
            observer.stop();
        } catch (Exception | LinkageError e) {
            LOG.warn("observer '{}' failed to stop", spec.name(), e);
        }
    }

    private static Observer startOne(ObserverSpec spec, ExtensionCatalog catalog) throws EntryException {
        String owner = "observer '" + spec.name() + "'";
        ExtensionClass<Observer> observerClass;
        ExtensionClass<DriftStrategy> strategyClass = null;
        try {
            observerClass = catalog.observer(spec.type());
        } catch (UnknownTypeException e) {
            throw new EntryException(spec.typeAt().problem(owner + " type", e.getMessage()));
        }
        if (spec.strategy().isPresent()) {
            StrategySpec strategy = spec.strategy().get();
            try {
                strategyClass = catalog.strategy(strategy.type());
            } catch (UnknownTypeException e) {
                throw new EntryException(strategy.typeAt().problem(owner + " strategy.type", e.getMessage()));
            }
        }
        HostObserverContext context = new HostObserverContext(spec, strategyClass);
        if (strategyClass != null) {
            String reader = "strategy " + spec.strategy().get().type();
            callPlugin(spec, context::newStrategy, reader);
            rejectUnreadKeys(spec.strategy().get().config(), reader);
        }
        Observer observer;
        try {
            observer = new PluginObserver(observerClass.newInstance(), observerClass.classLoader());
        } catch (RuntimeException e) {
            throw new EntryException(spec.at().problem(owner, e.getMessage()));
        }
        callPlugin(spec, () -> observer.start(context), "type " + spec.type());
        try {
            rejectUnreadKeys(spec.config(), "type " + spec.type());
        } catch (EntryException e) {
            stopQuietly(spec, observer);
            throw e;
        }
        return observer;
    }

    /** Runs a plugin's configure or start; a message that already names the manifest line is kept as is. */
    private static void callPlugin(ObserverSpec spec, PluginCalls.PluginCall call, String what)
            throws EntryException {
        try {
            call.run();
        } catch (Exception | LinkageError e) {
            String message = String.valueOf(e.getMessage());
            throw new EntryException(message.startsWith(spec.at().file() + ":") ? message
                    : spec.at().problem("observer '" + spec.name() + "'", what + " failed to start: " + e));
        }
    }

    /** Rejects config keys the plugin never asked for: a misspelt key would silently fall back to a default. */
    private static void rejectUnreadKeys(Settings config, String reader) throws EntryException {
        for (String key : config.keys()) {
            if (!config.requestedKeys().contains(key)) {
                throw new EntryException(config.invalid(key, "unknown key for " + reader + "; it reads: "
                        + (config.requestedKeys().isEmpty() ? "(no keys)" : String.join(", ", config.requestedKeys())))
                        .getMessage());
            }
        }
    }

    /** Why one manifest entry cannot run. */
    private static final class EntryException extends Exception {
        EntryException(String message) {
            super(message);
        }
    }
}
