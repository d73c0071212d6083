package io.visutility.monitor.host.observers;

import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.ObserverContext;

/**
 * An observer from a plugin, called with the plugin's context class loader. Allocates nothing per
 * event. Thread-safe if the plugin's observer is.
 */
final class PluginObserver implements Observer {

    private final Observer delegate;
    private final ClassLoader loader;

    PluginObserver(Observer delegate, ClassLoader loader) {
        this.delegate = delegate;
        this.loader = loader;
    }

    @Override
    public void start(ObserverContext ctx) throws Exception {
        PluginCalls.run(loader, () -> delegate.start(ctx));
    }

    @Override
    public void onEvent(ModelMetricEvent event) throws Exception {
        // Inlined rather than PluginCalls.run: a lambda capturing the event would allocate per event.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            delegate.onEvent(event);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void stop() throws Exception {
        PluginCalls.run(loader, delegate::stop);
    }
}
