package io.visutility.monitor.host.observers;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.Metrics;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.ObserverContext;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import io.visutility.monitor.host.manifest.ObserverSpec;
import io.visutility.monitor.host.manifest.StrategySpec;
import io.visutility.monitor.host.plugins.ExtensionCatalog;
import io.visutility.monitor.host.plugins.ExtensionClass;
import io.visutility.monitor.host.status.VerdictSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.pf4j.ExtensionPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ObserverContext} of one manifest entry. Thread-safe: immutable but for the set of
 * types looked up, a concurrent set; each {@link #newStrategy()} builds a new strategy.
 *
 * <p>It reads the loaded plugins' extensions from the host's current catalog, not from one kept
 * here: a kept catalog would hold every plugin's classes, and so their class loaders after a reload.
 */
final class HostObserverContext implements ObserverContext {

    private final ObserverSpec spec;
    private final ExtensionClass<DriftStrategy> strategyClass;
    private final Logger logger;
    private final Metrics metrics;
    private final Supplier<ExtensionCatalog> catalog;
    private final Set<String> lookups = ConcurrentHashMap.newKeySet();
    private final VerdictSink verdicts;

    /**
     * @param strategyClass the entry's strategy type, or null if it configures none
     * @param catalog       what the plugins provide now
     * @param verdicts      where {@link #reportVerdict} goes
     */
    HostObserverContext(ObserverSpec spec, ExtensionClass<DriftStrategy> strategyClass, Metrics metrics,
                        Supplier<ExtensionCatalog> catalog, VerdictSink verdicts) {
        this.spec = spec;
        this.catalog = catalog;
        this.metrics = metrics;
        this.verdicts = verdicts;
        this.strategyClass = strategyClass;
        this.logger = LoggerFactory.getLogger("observer." + spec.name());
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Settings settings() {
        return spec.config();
    }

    @Override
    public DriftStrategy newStrategy() {
        if (strategyClass == null) {
            throw new IllegalStateException(spec.at().problem("observer '" + spec.name() + "'",
                    "type " + spec.type() + " needs a drift strategy; add strategy: {type: ...}"));
        }
        StrategySpec strategySpec = spec.strategy().orElseThrow();
        DriftStrategy strategy = new PluginStrategy(strategyClass.newInstance(), strategyClass.classLoader());
        strategy.configure(strategySpec.config());
        return strategy;
    }

    @Override
    public String strategyType() {
        return spec.strategy().map(StrategySpec::type).orElse("");
    }

    @Override
    public Logger logger() {
        return logger;
    }

    @Override
    public Metrics metrics() {
        return metrics;
    }

    @Override
    public <T extends ExtensionPoint> List<T> extensions(Class<T> type) {
        if (Observer.class.isAssignableFrom(type) || DriftStrategy.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("observer '" + spec.name() + "': " + type.getName()
                    + " is an observer or strategy type; the manifest names those, extensions() does not find them");
        }
        lookups.add(type.getName());
        List<T> found = new ArrayList<>();
        for (ExtensionClass<? extends T> extension : catalog.get().extensionsOf(type)) {
            found.add(extension.newInstance());
        }
        return found;
    }

    /** The names of the extension point types looked up so far: a live, thread-safe view. */
    Set<String> lookups() {
        return lookups;
    }

    @Override
    public void reportVerdict(ModelVersion model, Instant at, Verdict verdict, boolean triggered) {
        verdicts.report(spec.name(), strategyType(), Objects.requireNonNull(model, "model"),
                Objects.requireNonNull(at, "at"), Objects.requireNonNull(verdict, "verdict"), triggered);
    }
}
