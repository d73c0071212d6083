package io.visutility.monitor.host.plugins;

/** Why one jar or class cannot be used; stays inside this package. */
final class PluginJarException extends Exception {

    PluginJarException(String message) {
        super(message);
    }
}
