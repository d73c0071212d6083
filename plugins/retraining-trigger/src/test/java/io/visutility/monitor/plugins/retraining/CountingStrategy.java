package io.visutility.monitor.plugins.retraining;

import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.DriftStrategy;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Verdict;
import java.util.Map;

/** DRIFT when p <= 0.05, WARNING when p <= 0.1; counts resets, like a real stateful strategy would. */
final class CountingStrategy implements DriftStrategy {
    int resets;
    long evaluated;

    @Override
    public Map<String, Object> saveState() {
        return Map.of("evaluated", evaluated);
    }

    @Override
    public void restoreState(Map<String, Object> state) {
        Object value = state.get("evaluated");
        if (!(value instanceof Number n)) {
            throw new IllegalArgumentException("state key 'evaluated' is missing");
        }
        evaluated = n.longValue();
    }

    @Override
    public Verdict evaluate(ModelMetricEvent event) {
        evaluated++;
        double p = ((ConceptDrift) event).pValue();
        if (p <= 0.05) {
            return Verdict.drift(p, "p=" + p);
        }
        return p <= 0.1 ? new Verdict(Verdict.Level.WARNING, p, "p=" + p) : Verdict.stable(p);
    }

    @Override
    public void reset() {
        resets++;
    }
}
