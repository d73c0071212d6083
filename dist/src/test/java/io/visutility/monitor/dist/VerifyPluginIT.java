package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.visutility.monitor.dist.Distribution.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code monitor verify-plugin}: the bundled plugins pass; jars wrong in one way each are refused, saying why. */
class VerifyPluginIT {

    private static final String OBSERVER = """
            package com.example.verify;

            import io.visutility.monitor.api.ExtensionType;
            import io.visutility.monitor.api.ModelMetricEvent;
            import io.visutility.monitor.api.Observer;
            import org.pf4j.Extension;

            @Extension
            @ExtensionType("counting")
            public class CountingObserver implements Observer {
                private long seen;

                @Override
                public void onEvent(ModelMetricEvent event) {
                    seen = Helper.next(seen);
                }
            }
            """;
    private static final String HELPER = """
            package com.example.verify;

            public final class Helper {
                public static long next(long n) {
                    return n + 1;
                }
            }
            """;

    @TempDir
    Path root;

    private Distribution dist;

    @BeforeEach
    void install() throws Exception {
        dist = new Distribution(root.resolve("install"));
    }

    private Result verify(Path... jars) throws Exception {
        List<String> args = new ArrayList<>(List.of("verify-plugin"));
        for (Path jar : jars) {
            args.add(jar.toString());
        }
        return dist.run(args.toArray(String[]::new));
    }

    @Test
    void acceptsTheBundledPluginsAndNamesTheirTypes() throws Exception {
        Result result = verify(Distribution.bundledPlugins().toArray(Path[]::new));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains(
                "console-logger-" + Distribution.VERSION + ".jar: ok: plugin console-logger " + Distribution.VERSION + " loads on host " + Distribution.VERSION + "; provides observer console-logger",
                "retraining-trigger-" + Distribution.VERSION + ".jar: ok: plugin retraining-trigger " + Distribution.VERSION + " loads on host " + Distribution.VERSION + "; provides observer "
                        + "retraining-trigger",
                "strategy fixed-threshold, strategy p-value",
                "drift-strategies-" + Distribution.VERSION + ".jar: info: strategy 'fixed-threshold' configures with no settings; it reads: "
                        + "direction, threshold, warning")
                .doesNotContain("error:", "FAILED");
    }

    @Test
    void acceptsAPluginBuiltOutsideTheHostAndNamesItsType() throws Exception {
        Path jar = new PluginJarBuilder(root.resolve("ok"), "counting")
                .source("com.example.verify.CountingObserver", OBSERVER)
                .source("com.example.verify.Helper", HELPER).build("counting.jar");

        Result result = verify(jar);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo(
                "counting.jar: ok: plugin counting 1.0.0 loads on host " + Distribution.VERSION + "; provides observer counting\n");
    }

    @Test
    void refusesAJarWithoutItsExtensionIndex() throws Exception {
        Path jar = root.resolve("no-index.jar");
        Distribution.copyWithManifest(Distribution.bundledPlugin("drift-strategies"), jar, Map.of());
        Distribution.rewriteWithout(jar, "META-INF/extensions.idx");

        Result result = verify(jar);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stdout()).contains("no-index.jar: error: no META-INF/extensions.idx, though "
                        + "io.visutility.monitor.plugins.drift.AdwinDetector, ",
                "carries @Extension: PF4J's annotation processor did not run (javac 23 and later need <proc>full</proc>",
                "no-index.jar: FAILED: 1 problem");
    }

    @Test
    void refusesAJarThatBundlesThePluginApi() throws Exception {
        Path jar = new PluginJarBuilder(root.resolve("fat"), "fat")
                .source("com.example.verify.CountingObserver", OBSERVER)
                .source("com.example.verify.Helper", HELPER)
                .bundle(PluginJarBuilder.lib("plugin-api-")).build("fat.jar");

        Result result = verify(jar);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stdout()).containsPattern("fat.jar: error: bundles its own copy of io.visutility.monitor.api "
                + "\\(\\d+ classes\\): the host provides the plugin API, PF4J and SLF4J; declare them with "
                + "<scope>provided</scope>");
    }

    @Test
    void refusesAPluginRequiresThisHostDoesNotMeet() throws Exception {
        Path jar = root.resolve("future.jar");
        Distribution.copyWithManifest(Distribution.bundledPlugin("console-logger"), jar,
                Map.of("Plugin-Requires", ">=9.0.0"));

        Result result = verify(jar);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stdout()).contains(
                "future.jar: error: Plugin-Requires '>=9.0.0' does not accept this host, version " + Distribution.VERSION,
                "future.jar: FAILED: 1 problem");
    }

    @Test
    void refusesAnExtensionThatRefersToAMissingClassAndNamesIt() throws Exception {
        Path jar = new PluginJarBuilder(root.resolve("missing"), "missing")
                .source("com.example.verify.CountingObserver", OBSERVER)
                .source("com.example.verify.Helper", HELPER)
                .leaveOut("com.example.verify.Helper").build("missing.jar");

        Result result = verify(jar);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stdout()).contains("missing.jar: error: class com.example.verify.CountingObserver refers to "
                + "com.example.verify.Helper, which is not in the jar, the plugin API, PF4J, SLF4J, the JDK: "
                + "shade the library that has it into the jar");
    }

    @Test
    void refusesAPluginThatUsesTheHostsOwnLibraries() throws Exception {
        Path jar = new PluginJarBuilder(root.resolve("host-lib"), "host-lib")
                .source("com.example.verify.JsonObserver", """
                        package com.example.verify;

                        import com.fasterxml.jackson.databind.ObjectMapper;
                        import io.visutility.monitor.api.ExtensionType;
                        import io.visutility.monitor.api.ModelMetricEvent;
                        import io.visutility.monitor.api.Observer;
                        import org.pf4j.Extension;

                        @Extension
                        @ExtensionType("json")
                        public class JsonObserver implements Observer {
                            private final ObjectMapper json = new ObjectMapper();

                            @Override
                            public void onEvent(ModelMetricEvent event) throws Exception {
                                json.writeValueAsString(event.model());
                            }
                        }
                        """).build("host-lib.jar");

        Result result = verify(jar);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stdout()).contains("host-lib.jar: error: class com.example.verify.JsonObserver refers to "
                + "com.fasterxml.jackson.databind.ObjectMapper, which only the host's own libraries have: plugins see "
                + "the plugin API, PF4J, SLF4J and the JDK, not the host's libraries");
    }

    @Test
    void reportsEveryProblemOfAnExtensionClassOnItsOwnLine() throws Exception {
        Path jar = new PluginJarBuilder(root.resolve("shapes"), "shapes")
                .source("com.example.verify.Broken", """
                        package com.example.verify;

                        import io.visutility.monitor.api.ExtensionType;
                        import org.pf4j.Extension;
                        import org.pf4j.ExtensionPoint;

                        @Extension
                        @ExtensionType("a:b")
                        public abstract class Broken implements ExtensionPoint {
                            protected Broken(int x) {
                            }
                        }
                        """).build("shapes.jar");

        Result result = verify(jar);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stdout()).isEqualTo("""
                shapes.jar: error: extension com.example.verify.Broken implements neither Observer nor DriftStrategy
                shapes.jar: error: extension com.example.verify.Broken must be a public, concrete class
                shapes.jar: error: extension com.example.verify.Broken needs a public constructor without arguments
                shapes.jar: error: extension com.example.verify.Broken: @ExtensionType 'a:b' must not contain ':'
                shapes.jar: FAILED: 4 problems
                """);
    }

    @Test
    void aStrategyThatNeedsASettingIsReportedAsInformationNotAFailure() throws Exception {
        Path jar = new PluginJarBuilder(root.resolve("strict"), "strict")
                .source("com.example.verify.StrictStrategy", """
                        package com.example.verify;

                        import io.visutility.monitor.api.DriftStrategy;
                        import io.visutility.monitor.api.ExtensionType;
                        import io.visutility.monitor.api.ModelMetricEvent;
                        import io.visutility.monitor.api.Settings;
                        import io.visutility.monitor.api.Verdict;
                        import org.pf4j.Extension;

                        @Extension
                        @ExtensionType("strict")
                        public class StrictStrategy implements DriftStrategy {
                            private String target;

                            @Override
                            public void configure(Settings settings) {
                                target = settings.getString("target");
                            }

                            @Override
                            public Verdict evaluate(ModelMetricEvent event) {
                                return Verdict.stable(0);
                            }
                        }
                        """).build("strict.jar");

        Result result = verify(jar);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("""
                strict.jar: info: strategy 'strict' needs settings: strategy 'strict': key 'target': is required
                strict.jar: ok: plugin strict 1.0.0 loads on host %s; provides strategy strict
                """.formatted(Distribution.VERSION));
    }

    @Test
    void aSettingsSchemaThatIsNotJsonIsRefused() throws Exception {
        Path jar = new PluginJarBuilder(root.resolve("schema"), "schema")
                .source("com.example.verify.CountingObserver", OBSERVER)
                .source("com.example.verify.Helper", HELPER)
                .resource("META-INF/monitor/counting.schema.json", "{\"type\": \"object\",")
                .resource("META-INF/monitor/countin.schema.json", "{}").build("schema.jar");

        Result result = verify(jar);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stdout()).contains(
                "schema.jar: error: META-INF/monitor/counting.schema.json is not valid JSON: ",
                "schema.jar: info: META-INF/monitor/countin.schema.json is for no @ExtensionType of the jar (counting): "
                        + "monitor schema will not use it",
                "schema.jar: FAILED: 1 problem");
    }

    @Test
    void aFileThatDoesNotExistIsBadUsage() throws Exception {
        Result result = dist.run("verify-plugin", root.resolve("nope.jar").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("verify-plugin: no such file: " + root.resolve("nope.jar"));
        assertThat(Files.exists(root.resolve("nope.jar"))).isFalse();
    }
}
