package io.visutility.monitor.host.verify;

import java.util.List;

/**
 * What {@code monitor verify-plugin} found in one jar.
 *
 * @param jar           the jar's file name
 * @param pluginId      its {@code Plugin-Id}, or empty if it has none
 * @param version       its {@code Plugin-Version}, or empty if it has none
 * @param observerTypes the observer types it provides, once loaded as the host loads it
 * @param strategyTypes the strategy types it provides
 * @param findings      its problems and notes, in the order found
 */
public record Verification(String jar, String pluginId, String version, List<String> observerTypes,
                           List<String> strategyTypes, List<Finding> findings) {

    public Verification {
        observerTypes = List.copyOf(observerTypes);
        strategyTypes = List.copyOf(strategyTypes);
        findings = List.copyOf(findings);
    }

    /** Whether the jar would load and work: no finding is an error. */
    public boolean ok() {
        return findings.stream().noneMatch(f -> f.level() == Finding.Level.ERROR);
    }
}
