package io.visutility.monitor.host.manifest;

import io.visutility.monitor.api.Settings;
import io.visutility.monitor.host.bus.DispatchPolicy;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of the manifest's {@code observers:} list.
 *
 * @param name     unique instance name
 * @param type     an observer's {@code @ExtensionType} name, or {@code plugin-id:name}
 * @param enabled  whether the host runs it
 * @param events   the event types it receives; empty means all
 * @param models   globs on the model name; empty means all
 * @param strategy its drift strategy, if any
 * @param config   its {@code config} map
 * @param dispatch how events reach it ({@code dispatch:})
 * @param at       where the entry starts
 * @param typeAt   where {@code type} stands
 */
public record ObserverSpec(String name, String type, boolean enabled, Set<String> events, List<String> models,
                           Optional<StrategySpec> strategy, Settings config, DispatchPolicy dispatch, SourceLocation at,
                           SourceLocation typeAt) {

    public ObserverSpec {
        events = Set.copyOf(events);
        models = List.copyOf(models);
    }

    /** Whether {@code other} asks for the same instance: equal but for where it stands in the file. */
    public boolean sameAs(ObserverSpec other) {
        return name.equals(other.name) && type.equals(other.type) && enabled == other.enabled
                && events.equals(other.events) && models.equals(other.models) && dispatch.equals(other.dispatch)
                && config.values().equals(other.config.values())
                && strategy.map(s -> s.type() + s.config().values())
                        .equals(other.strategy.map(s -> s.type() + s.config().values()));
    }

    /** Whether events reach {@code other} the way they reach this one (filters and dispatch). */
    public boolean sameRoute(ObserverSpec other) {
        return events.equals(other.events) && models.equals(other.models) && dispatch.equals(other.dispatch);
    }
}
