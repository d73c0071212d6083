package io.visutility.monitor.host.observers;

import static org.assertj.core.api.Assertions.assertThat;

import io.visutility.monitor.api.AccuracyDrift;
import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelVersion;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ManifestFilterTest {

    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

    private static ModelVersion model(String name) {
        return new ModelVersion(name, "v1");
    }

    @Test
    void noFiltersAcceptEverything() {
        ManifestFilter filter = new ManifestFilter(Set.of(), List.of());
        assertThat(filter.accepts(new InferenceLatency(model("x"), 1, T))).isTrue();
        assertThat(filter.accepts(new ConceptDrift(model("y"), 0.1, T))).isTrue();
    }

    @Test
    void eventTypesAndModelGlobsBothApply() {
        ManifestFilter filter = new ManifestFilter(Set.of("accuracy_drift", "concept_drift"),
                List.of("object_detector*", "fraud_?"));

        assertThat(filter.accepts(new AccuracyDrift(model("object_detector"), 0.1, T))).isTrue();
        assertThat(filter.accepts(new AccuracyDrift(model("object_detector_eu"), 0.1, T))).isTrue();
        assertThat(filter.accepts(new ConceptDrift(model("fraud_1"), 0.1, T))).isTrue();
        assertThat(filter.accepts(new ConceptDrift(model("fraud_12"), 0.1, T))).isFalse();
        assertThat(filter.accepts(new InferenceLatency(model("object_detector"), 1, T))).isFalse();
        assertThat(filter.accepts(new AccuracyDrift(model("ranker"), 0.1, T))).isFalse();
        // a second look at the same name is answered from the cache, with the same result
        assertThat(filter.accepts(new AccuracyDrift(model("ranker"), 0.1, T))).isFalse();
    }

    @Test
    void globCharactersOtherThanStarAndQuestionMarkAreLiteral() {
        ManifestFilter filter = new ManifestFilter(Set.of(), List.of("a.b+(c)"));
        assertThat(filter.accepts(new AccuracyDrift(model("a.b+(c)"), 0.1, T))).isTrue();
        assertThat(filter.accepts(new AccuracyDrift(model("aXb+(c)"), 0.1, T))).isFalse();
    }
}
