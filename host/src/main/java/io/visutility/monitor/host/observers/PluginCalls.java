package io.visutility.monitor.host.observers;

/**
 * Runs code with a plugin's class loader as the thread's context class loader, restoring the
 * previous one after, so libraries inside the plugin that look up resources through the context
 * class loader find the plugin's, and no host thread keeps a reference to it afterwards.
 */
final class PluginCalls {

    /** A call into a plugin that may throw. */
    @FunctionalInterface
    interface PluginCall {
        void run() throws Exception;
    }

    private PluginCalls() {
    }

    static void run(ClassLoader pluginLoader, PluginCall call) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(pluginLoader);
        try {
            call.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
