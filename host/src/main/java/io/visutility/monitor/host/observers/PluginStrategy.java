package io.visutility.monitor.host.observers;

import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.Verdict;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A strategy from a plugin, called with that plugin's context class loader (which may differ from
 * the observer's plugin). Thread-safety as the wrapped strategy's.
 */
final class PluginStrategy implements DriftStrategy {

    private final DriftStrategy delegate;
    private final ClassLoader loader;

    PluginStrategy(DriftStrategy delegate, ClassLoader loader) {
        this.delegate = delegate;
        this.loader = loader;
    }

    @Override
    public void configure(Settings settings) {
        call(() -> delegate.configure(settings));
    }

    @Override
    public Verdict evaluate(ModelMetricEvent event) {
        // Inlined rather than PluginCalls.run: a lambda capturing the event would allocate per event.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return delegate.evaluate(event);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void reset() {
        call(delegate::reset);
    }

    @Override
    public Map<String, Object> saveState() {
        AtomicReference<Map<String, Object>> state = new AtomicReference<>(Map.of());
        call(() -> state.set(delegate.saveState()));
        return state.get();
    }

    @Override
    public void restoreState(Map<String, Object> state) {
        call(() -> delegate.restoreState(state));
    }

    private void call(Runnable call) {
        try {
            PluginCalls.run(loader, call::run);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
