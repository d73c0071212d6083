package io.visutility.monitor.host.plugins;

/**
 * A plugin jar, or one class in it, that could not be used.
 *
 * @param jar    the jar's file name in the plugins folder
 * @param reason what went wrong, in one line
 */
public record PluginProblem(String jar, String reason) {

    @Override
    public String toString() {
        return jar + ": " + reason;
    }
}
