package io.visutility.monitor.host.observers;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.host.bus.EventFilter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A manifest entry's {@code events} and {@code models} filters. Glob {@code *} matches any run
 * of characters, {@code ?} one character.
 *
 * <p>Thread-safe. Model-name decisions are cached (model names are few), so that
 * {@link #accepts} allocates nothing once it has seen a name.
 */
final class ManifestFilter implements EventFilter {

    private static final int MAX_CACHED_NAMES = 10_000;

    private final boolean latency;
    private final boolean accuracy;
    private final boolean concept;
    private final Pattern models;
    private final ConcurrentMap<String, Boolean> decisions = new ConcurrentHashMap<>();

    ManifestFilter(Set<String> events, List<String> modelGlobs) {
        this.latency = events.isEmpty() || events.contains(InferenceLatency.TYPE);
        this.accuracy = events.isEmpty() || events.contains(AccuracyDrift.TYPE);
        this.concept = events.isEmpty() || events.contains(ConceptDrift.TYPE);
        this.models = modelGlobs.isEmpty() ? null : Pattern.compile(
                modelGlobs.stream().map(ManifestFilter::globToRegex).collect(Collectors.joining("|")));
    }

    @Override
    public boolean accepts(ModelMetricEvent event) {
        boolean wanted = event instanceof InferenceLatency ? latency
                : event instanceof AccuracyDrift ? accuracy
                : event instanceof ConceptDrift && concept;
        return wanted && (models == null || modelMatches(event.model().name()));
    }

    private boolean modelMatches(String name) {
        Boolean known = decisions.get(name);
        if (known != null) {
            return known;
        }
        boolean matches = models.matcher(name).matches();
        if (decisions.size() < MAX_CACHED_NAMES) {
            decisions.put(name, matches);
        }
        return matches;
    }

    static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        int literalStart = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (i > literalStart) {
                    regex.append(Pattern.quote(glob.substring(literalStart, i)));
                }
                regex.append(c == '*' ? ".*" : ".");
                literalStart = i + 1;
            }
        }
        if (literalStart < glob.length()) {
            regex.append(Pattern.quote(glob.substring(literalStart)));
        }
        return "(?:" + regex + ")";
    }
}
