package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visutility.monitor.dist.Distribution.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code monitor schema}: the manifest's JSON Schema with the bundled plugins' settings, checked on the repository's manifests. */
class SchemaIT {

    private static Distribution dist;
    private static String schemaJson;
    private static ManifestValidator validator;

    @BeforeAll
    static void printTheSchema(@TempDir Path root) throws Exception {
        dist = new Distribution(root);
        Result result = dist.run("schema", "--plugins", dist.plugins().toString());
        assertThat(result.exitCode()).as(result.toString()).isZero();
        schemaJson = result.stdout();
        validator = new ManifestValidator(schemaJson);
    }

    @Test
    void itIsDraft07AndOffersTheBundledTypesForCompletion() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(schemaJson);
        assertThat(schema.get("$schema").asText()).isEqualTo("http://json-schema.org/draft-07/schema#");
        assertThat(schema.at("/definitions/observer/properties/type/examples").toString())
                .contains("\"console-logger\"", "\"retraining-trigger\"", "\"jsonl-sink\"", "\"webhook\"");
        assertThat(schema.at("/definitions/strategy/properties/type/examples").toString())
                .contains("\"fixed-threshold\"", "\"p-value\"", "\"adwin\"", "\"page-hinkley\"");
    }

    @Test
    void everyManifestOfTheRepositoryPasses() throws Exception {
        List<ManifestValidator.Found> manifests = ManifestValidator.repositoryManifests();
        assertThat(manifests).extracting(ManifestValidator.Found::where).contains("dist/src/dist/conf/monitor.yaml")
                .anyMatch(where -> where.startsWith("examples/custom-observer-plugin/README.md:"))
                .anyMatch(where -> where.startsWith("examples/custom-strategy-plugin/README.md:"))
                .anyMatch(where -> where.startsWith("docs/plugin-kit.md:"));
        List<String> failures = new ArrayList<>();
        for (ManifestValidator.Found manifest : manifests) {
            validator.validate(manifest.yaml()).forEach(problem -> failures.add(manifest.where() + ": " + problem));
        }
        assertThat(failures).as("checked: %s", manifests.stream().map(ManifestValidator.Found::where).toList()).isEmpty();
    }

    @Test
    void anUnknownTopLevelKeyIsRefused() {
        assertThat(validator.validate("observers: []\nobserverz: []\n")).singleElement().asString().contains("observerz");
    }

    @Test
    void aBadEnumValueOfTheHostIsRefused() {
        assertThat(validator.validate("""
                observers:
                  - {name: c, type: console-logger, dispatch: {mode: eventually}}
                """)).anyMatch(problem -> problem.contains("/observers/0/dispatch/mode"));
    }

    @Test
    void aPluginsSettingsAreCheckedByItsSchema() {
        assertThat(validator.validate("""
                observers:
                  - name: retrain
                    type: retraining-trigger
                    strategy: {type: fixed-threshold, config: {threshhold: 0.1, direction: sideways}}
                    config: {cooldown: ten minutes}
                """)).anySatisfy(p -> assertThat(p).contains("threshhold"))
                .anySatisfy(p -> assertThat(p).contains("/observers/0/strategy/config/direction"))
                .anySatisfy(p -> assertThat(p).contains("/observers/0/config/cooldown"));
        assertThat(validator.validate("""
                observers:
                  - name: retrain
                    type: retraining-trigger:retraining-trigger
                    strategy: {type: drift-strategies:p-value, config: {alpha: 0.01, correction: bonferroni, m: 3}}
                    config: {cooldown: 10m, action: exec, command: [echo, "{model}"]}
                """)).isEmpty();
    }

    @Test
    void eachBundledStrategysSchemaHasTheKeysItReads() throws Exception {
        Result verify = dist.run("verify-plugin", Distribution.bundledPlugin("drift-strategies").toString());
        JsonNode schema = new ObjectMapper().readTree(schemaJson);
        Matcher reads = Pattern.compile("strategy '([a-z-]+)' configures with no settings; it reads: (.*)")
                .matcher(verify.stdout());
        int strategies = 0;
        while (reads.find()) {
            strategies++;
            TreeSet<String> inSchema = new TreeSet<>();
            for (JsonNode rule : schema.at("/definitions/strategy/allOf")) {
                if (rule.at("/if/properties/type/enum/0").asText().equals(reads.group(1))) {
                    rule.at("/then/properties/config/properties").fieldNames().forEachRemaining(inSchema::add);
                }
            }
            assertThat(inSchema).as(reads.group(1)).isEqualTo(new TreeSet<>(List.of(reads.group(2).split(", "))));
        }
        assertThat(strategies).isEqualTo(6);
    }
}
