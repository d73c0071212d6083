package io.visutility.monitor.host.observers;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.Metrics;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.host.manifest.ObserverSpec;
import io.visutility.monitor.host.manifest.StrategySpec;
import io.visutility.monitor.host.plugins.ExtensionCatalog;
import io.visutility.monitor.host.plugins.ExtensionClass;
import io.visutility.monitor.host.plugins.UnknownTypeException;
import io.visutility.monitor.host.status.VerdictSink;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes running observer instances from manifest entries and the loaded plugins' classes.
 * Stateless and thread-safe; each call creates a new instance.
 */
final class ObserverFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ObserverSet.class);

    private ObserverFactory() {
    }

    /**
     * A started instance, the plugins its observer and strategy classes come from, and the
     * extension point types it looked up (a live view: it may look more up later).
     */
    record Created(Observer observer, Set<String> pluginIds, Set<String> lookups) {
    }

    /** Why one manifest entry cannot run; {@code missingType} when no loaded plugin provides a type it names. */
    static final class EntryException extends Exception {
        private final boolean missingType;

        EntryException(String message) {
            this(message, false);
        }

        EntryException(String message, boolean missingType) {
            super(message);
            this.missingType = missingType;
        }

        boolean missingType() {
            return missingType;
        }
    }

    /**
     * Creates and starts the observer {@code spec} asks for: its strategy created and configured
     * once, its {@code start} called, no config key left unread. Its context looks extensions up
     * in {@code live}, the host's catalog at the time of each lookup.
     *
     * @throws EntryException naming the manifest line, if it cannot run
     */
    static Created create(ObserverSpec spec, ExtensionCatalog catalog, Metrics metrics,
                          Supplier<ExtensionCatalog> live, VerdictSink verdicts) throws EntryException {
        String owner = "observer '" + spec.name() + "'";
        ExtensionClass<Observer> observerClass;
        ExtensionClass<DriftStrategy> strategyClass = null;
        try {
            observerClass = catalog.observer(spec.type());
        } catch (UnknownTypeException e) {
            throw new EntryException(spec.typeAt().problem(owner + " type", e.getMessage()), true);
        }
        if (spec.strategy().isPresent()) {
            StrategySpec strategy = spec.strategy().get();
            try {
                strategyClass = catalog.strategy(strategy.type());
            } catch (UnknownTypeException e) {
                throw new EntryException(strategy.typeAt().problem(owner + " strategy.type", e.getMessage()), true);
            }
        }
        HostObserverContext context = new HostObserverContext(spec, strategyClass, metrics, live, verdicts);
        if (strategyClass != null) {
            String reader = "strategy " + spec.strategy().get().type();
            callPlugin(spec, context::newStrategy, reader);
            rejectUnreadKeys(spec.strategy().get().config(), reader);
        }
        Observer observer;
        try {
            observer = new PluginObserver(observerClass.newInstance(), observerClass.classLoader());
        } catch (RuntimeException | LinkageError e) {
            throw new EntryException(spec.at().problem(owner, e.getMessage()));
        }
        callPlugin(spec, () -> observer.start(context), "type " + spec.type());
        try {
            rejectUnreadKeys(spec.config(), "type " + spec.type());
        } catch (EntryException e) {
            stop(spec, observer);
            throw e;
        }
        Set<String> pluginIds = new TreeSet<>();
        pluginIds.add(observerClass.pluginId());
        if (strategyClass != null) {
            pluginIds.add(strategyClass.pluginId());
        }
        return new Created(observer, pluginIds, context.lookups());
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
        try {
            UnreadKeys.reject(config, reader);
        } catch (IllegalArgumentException e) {
            throw new EntryException(e.getMessage());
        }
    }

    static void stop(ObserverSpec spec, Observer observer) {
        try {
            observer.stop();
        } catch (Throwable e) {
            // As on the event path: only what no plugin causes alone (out of memory) goes further.
            if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) {
                throw fatal;
            }
            LOG.warn("observer '{}' failed to stop", spec.name(), e);
        }
    }
}
