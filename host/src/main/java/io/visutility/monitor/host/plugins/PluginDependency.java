package io.visutility.monitor.host.plugins;

import java.util.ArrayList;
import java.util.List;
import org.pf4j.VersionManager;

/**
 * One entry of a plugin's {@code Plugin-Dependencies}, in PF4J's syntax: {@code id},
 * {@code id@range} ({@code lib@>=1.0.0 & <2.0.0}), and {@code id?} for an optional one.
 *
 * @param pluginId the plugin depended on
 * @param versions the version range it accepts, {@code *} for any
 * @param optional whether the plugin also runs without it
 */
public record PluginDependency(String pluginId, String versions, boolean optional) {

    /** Parses a {@code Plugin-Dependencies} value as PF4J does: entries separated by commas. */
    public static List<PluginDependency> parseAll(String value) {
        List<PluginDependency> dependencies = new ArrayList<>();
        for (String entry : value.split(",")) {
            if (!entry.isBlank()) {
                dependencies.add(parse(entry));
            }
        }
        return dependencies;
    }

    /** Parses one entry as PF4J does (so that the host and PF4J never disagree). */
    static PluginDependency parse(String entry) {
        org.pf4j.PluginDependency parsed = new org.pf4j.PluginDependency(entry.trim());
        return new PluginDependency(parsed.getPluginId().trim(), parsed.getPluginVersionSupport().trim(),
                parsed.isOptional());
    }

    /**
     * Whether {@code version} is in the range.
     *
     * @throws RuntimeException from PF4J's version manager if the range is not one
     */
    public boolean accepts(String version, VersionManager versionManager) {
        return versions.equals("*") || versionManager.checkVersionConstraint(version, versions);
    }

    /** The range for a person: {@code >=1.0.0 & <2.0.0}, or {@code any version}. */
    public String range() {
        return versions.equals("*") ? "any version" : versions;
    }

    /** As written in the manifest: {@code lib@>=1.0.0}, {@code lib?}. */
    @Override
    public String toString() {
        return pluginId + (optional ? "?" : "") + (versions.equals("*") ? "" : "@" + versions);
    }
}
