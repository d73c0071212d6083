package io.visutility.monitor.host;

import static io.visutility.monitor.host.testing.PluginJar.plugin;
import static org.assertj.core.api.Assertions.assertThat;

import io.visutility.monitor.host.testing.Journal;
import io.visutility.monitor.host.testing.PluginJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin's own extension point ({@code alerts.Notifier}) with extensions from another plugin
 * ({@code slack}), found through {@code ObserverContext.extensions}: the observer that looked them
 * up is restarted when the contributing plugin is added, replaced or removed.
 */
class ExtensionLookupTest {

    @TempDir
    Path root;

    private Path plugins;
    private Path alerts;
    private Monitor monitor;

    @BeforeEach
    void installAlerts() throws Exception {
        Journal.clear();
        plugins = Files.createDirectories(root.resolve("plugins"));
        alerts = plugin("alerts").source("alerts.Notifier", """
                package alerts;

                /** What the alerts plugin sends alerts through; other plugins contribute them. */
                public interface Notifier extends org.pf4j.ExtensionPoint {
                    String channel();
                }
                """).source("alerts.Alerter", """
                package alerts;

                import io.visutility.monitor.host.testing.Journal;
                import java.util.stream.Collectors;

                @org.pf4j.Extension
                @io.visutility.monitor.api.ExtensionType("alerter")
                public class Alerter implements io.visutility.monitor.api.Observer {
                    private final int instance = Journal.newInstance();

                    @Override
                    public void start(io.visutility.monitor.api.ObserverContext context) {
                        Journal.record("alerter #" + instance + " notifiers " + context.extensions(Notifier.class)
                                .stream().map(Notifier::channel).collect(Collectors.joining(",", "[", "]")));
                    }

                    @Override
                    public void onEvent(io.visutility.monitor.api.ModelMetricEvent event) {
                    }
                }
                """).writeTo(plugins.resolve("alerts.jar"));
        Path manifest = Files.createDirectories(root.resolve("conf")).resolve("monitor.yaml");
        Files.writeString(manifest, """
                plugins:
                  dir: ../plugins
                reload: {watch: false}
                observers:
                  - name: alerter
                    type: alerter
                """);
        monitor = Monitor.start(manifest);
    }

    @AfterEach
    void close() {
        monitor.close();
    }

    private PluginJar slack(String version, String channel) {
        return plugin("slack").version(version).dependsOn("alerts@>=1.0.0").compiledAgainst(alerts)
                .source("slack.SlackNotifier", """
                        package slack;

                        @org.pf4j.Extension
                        public class SlackNotifier implements alerts.Notifier {
                            @Override
                            public String channel() {
                                return "%s";
                            }
                        }
                        """.formatted(channel));
    }

    @Test
    void anObserverFindsTheExtensionsOfItsPluginsExtensionPointAndIsRestartedWhenTheyChange() throws Exception {
        assertThat(Journal.lines()).containsExactly("alerter #1 notifiers []");

        slack("1.0.0", "slack").writeTo(plugins.resolve("slack.jar"));
        monitor.jarsChanged(Set.of(), Set.of("slack.jar"), Set.of());
        assertThat(Journal.lines()).last().isEqualTo("alerter #2 notifiers [slack]");

        slack("2.0.0", "slack-v2").writeTo(plugins.resolve("slack.jar"));
        monitor.jarsChanged(Set.of(), Set.of(), Set.of("slack.jar"));
        assertThat(Journal.lines()).last().isEqualTo("alerter #3 notifiers [slack-v2]");

        Files.delete(plugins.resolve("slack.jar"));
        monitor.jarsChanged(Set.of("slack.jar"), Set.of(), Set.of());
        assertThat(Journal.lines()).last().isEqualTo("alerter #4 notifiers []");
        assertThat(monitor.observerNames()).containsExactly("alerter");
    }
}
