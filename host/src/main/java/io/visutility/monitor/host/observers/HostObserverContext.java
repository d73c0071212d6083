package io.visutility.monitor.host.observers;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.Metrics;
import io.visutility.monitor.api.ObserverContext;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.host.manifest.ObserverSpec;
import io.visutility.monitor.host.manifest.StrategySpec;
import io.visutility.monitor.host.plugins.ExtensionClass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ObserverContext} of one manifest entry. Thread-safe: immutable; each
 * {@link #newStrategy()} builds a new strategy.
 */
final class HostObserverContext implements ObserverContext {

    private final ObserverSpec spec;
    private final ExtensionClass<DriftStrategy> strategyClass;
    private final Logger logger;
    private final Metrics metrics;

    /** @param strategyClass the entry's strategy type, or null if it configures none */
    HostObserverContext(ObserverSpec spec, ExtensionClass<DriftStrategy> strategyClass, Metrics metrics) {
        this.spec = spec;
        this.metrics = metrics;
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
}
