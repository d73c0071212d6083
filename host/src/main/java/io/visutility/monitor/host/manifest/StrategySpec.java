package io.visutility.monitor.host.manifest;

import io.visutility.monitor.api.Settings;

/**
 * An observer's {@code strategy:} entry.
 *
 * @param type   a strategy's {@code @ExtensionType} name, or {@code plugin-id:name}
 * @param config its {@code config} map
 * @param typeAt where {@code type} stands
 */
public record StrategySpec(String type, Settings config, SourceLocation typeAt) {
}
