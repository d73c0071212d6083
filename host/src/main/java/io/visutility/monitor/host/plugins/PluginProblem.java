package io.visutility.monitor.host.plugins;

import java.util.List;

/**
 * A plugin jar, or one class in it, that could not be used; or a jar that waits for the plugins
 * it depends on ({@code Plugin-Dependencies}) and loads once they are there.
 *
 * @param jar      the jar's file name in the plugins folder
 * @param reason   what went wrong, or what it waits for, in one line
 * @param waitsFor the plugin ids it waits for; empty if it failed
 */
public record PluginProblem(String jar, String reason, List<String> waitsFor) {

    public PluginProblem {
        waitsFor = List.copyOf(waitsFor);
    }

    /** A jar that failed. */
    public PluginProblem(String jar, String reason) {
        this(jar, reason, List.of());
    }

    /** Whether the jar waits for a dependency rather than failed. */
    public boolean waits() {
        return !waitsFor.isEmpty();
    }

    @Override
    public String toString() {
        return jar + ": " + reason;
    }
}
