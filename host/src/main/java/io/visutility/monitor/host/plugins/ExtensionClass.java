package io.visutility.monitor.host.plugins;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * An observer or strategy class found in a plugin, under its {@code @ExtensionType} name.
 *
 * @param type       the {@code @ExtensionType} name
 * @param pluginId   the plugin that provides it
 * @param implementation the class
 * @param <T>        {@code Observer} or {@code DriftStrategy}
 */
public record ExtensionClass<T>(String type, String pluginId, Class<? extends T> implementation) {

    /** {@code plugin-id:type}, the name that is never ambiguous. */
    public String qualifiedType() {
        return pluginId + ":" + type;
    }

    /** The plugin's class loader, to set as thread context class loader around calls into it. */
    public ClassLoader classLoader() {
        return implementation.getClassLoader();
    }

    /**
     * Creates a new instance with the public no-argument constructor, with the plugin's class
     * loader as the thread's context class loader.
     *
     * @throws IllegalStateException naming the class if the constructor fails
     */
    public T newInstance() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(classLoader());
        try {
            Constructor<? extends T> constructor = implementation.getConstructor();
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("constructor of " + implementation.getName()
                    + " (plugin " + pluginId + ") failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + implementation.getName()
                    + " (plugin " + pluginId + "): " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
