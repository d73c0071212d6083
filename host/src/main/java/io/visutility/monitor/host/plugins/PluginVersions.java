package io.visutility.monitor.host.plugins;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pf4j.DefaultVersionManager;

/**
 * PF4J's version ranges ({@code >=1.0.0 & <2.0.0}) over the versions plugins are allowed to have:
 * {@code 1.2} is read as {@code 1.2.0} and {@code 3} as {@code 3.0.0}. PF4J's own manager takes
 * only full semantic versions and throws on {@code 1.2}, which would make a dependency on such a
 * plugin fail with a parser message instead of a comparison. Immutable and thread-safe.
 */
public final class PluginVersions extends DefaultVersionManager {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(\\.\\d+)?([-+].*)?");

    /** {@code version} with its numeric core padded to three parts. */
    static String full(String version) {
        Matcher matcher = SHORT.matcher(version.trim());
        if (!matcher.matches()) {
            return version;
        }
        return matcher.group(1) + (matcher.group(2) == null ? ".0" : matcher.group(2)) + ".0"
                + (matcher.group(3) == null ? "" : matcher.group(3));
    }

    @Override
    public boolean checkVersionConstraint(String version, String constraint) {
        return super.checkVersionConstraint(full(version), constraint);
    }

    @Override
    public int compareVersions(String v1, String v2) {
        return super.compareVersions(full(v1), full(v2));
    }
}
