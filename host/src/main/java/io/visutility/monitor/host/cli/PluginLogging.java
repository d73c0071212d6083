package io.visutility.monitor.host.cli;

import java.util.List;

/**
 * Quiets the host's plugin-loading log lines in commands that print their own account of each jar
 * (verify-plugin, schema). A level set with {@code -D} in {@code JAVA_OPTS} is kept.
 */
final class PluginLogging {

    private PluginLogging() {
    }

    /** Sets the slf4j-simple level of the plugin loader and PF4J; call before the first plugin is loaded. */
    static void quiet(String level) {
        for (String logger : List.of("io.visutility.monitor.host.plugins", "org.pf4j")) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, level);
            }
        }
    }
}
