package io.visutility.monitor.host.plugins;

import static io.visutility.monitor.host.testing.PluginJar.plugin;
import static org.assertj.core.api.Assertions.assertThat;

import io.visutility.monitor.host.testing.Journal;
import io.visutility.monitor.host.testing.PluginJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Plugin-Dependencies} in {@link PluginHost}: real jars compiled by the test, a library
 * plugin ({@code lib}, one class and no extensions) and plugins that use its class.
 */
class PluginDependenciesTest {

    @TempDir
    Path plugins;

    @TempDir
    Path elsewhere;

    private final PluginHost host = new PluginHost("0.1.0");

    @BeforeEach
    void clear() {
        Journal.clear();
    }

    @AfterEach
    void close() {
        host.close();
    }

    /** The library: class {@code lib.Greeting} whose {@code text()} says its version. */
    private static PluginJar library(String version) {
        return plugin("lib").version(version).source("lib.Greeting", """
                package lib;

                public final class Greeting {
                    public static String text() {
                        return "hello from lib %s";
                    }
                }
                """.formatted(version));
    }

    /** A plugin whose observer type {@code <id>-observer} calls the library when it is created. */
    private PluginJar user(String id, String dependencies) throws Exception {
        Path lib = library("1.0.0").writeTo(elsewhere.resolve("lib-for-compiling.jar"));
        String pkg = "user_" + id.replace('-', '_');
        return plugin(id).dependsOn(dependencies).compiledAgainst(lib).source(pkg + ".UsesLib", """
                package %s;

                @org.pf4j.Extension
                @io.visutility.monitor.api.ExtensionType("%s-observer")
                public class UsesLib implements io.visutility.monitor.api.Observer {
                    public UsesLib() {
                        io.visutility.monitor.host.testing.Journal.record("%s: " + lib.Greeting.text());
                    }

                    @Override
                    public void onEvent(io.visutility.monitor.api.ModelMetricEvent event) {
                    }
                }
                """.formatted(pkg, id, id));
    }

    @Test
    void aPluginLoadsAfterTheLibraryItNeedsAndSeesItsClasses() throws Exception {
        user("a-user", "lib@>=1.0.0 & <2.0.0").writeTo(plugins.resolve("a-user.jar"));
        library("1.0.0").writeTo(plugins.resolve("z-lib.jar"));

        ExtensionCatalog catalog = host.loadFolder(plugins);

        assertThat(catalog.problems()).isEmpty();
        assertThat(catalog.plugins()).extracting(PluginInfo::id).containsExactly("a-user", "lib");
        assertThat(catalog.plugins().get(0).dependencies())
                .containsExactly(new PluginDependency("lib", ">=1.0.0 & <2.0.0", false));
        assertThat(catalog.dependentsOf("lib")).extracting(PluginInfo::id).containsExactly("a-user");
        catalog.observer("a-user-observer").newInstance();
        assertThat(Journal.lines()).containsExactly("a-user: hello from lib 1.0.0");
    }

    @Test
    void aJarWithAMissingDependencyWaitsWithOneReasonAndTheOthersLoad() throws Exception {
        plugin("a-first").dependsOn("nonexistent@>=1.0.0").observer("never").writeTo(plugins.resolve("a-first.jar"));
        plugin("beta").observer("beta-observer").writeTo(plugins.resolve("beta.jar"));
        plugin("gamma").observer("gamma-observer").writeTo(plugins.resolve("gamma.jar"));

        ExtensionCatalog catalog = host.loadFolder(plugins);

        assertThat(catalog.plugins()).extracting(PluginInfo::id).containsExactly("beta", "gamma");
        assertThat(catalog.problems()).containsExactly(new PluginProblem("a-first.jar", "plugin a-first 1.0.0 waits "
                + "for nonexistent >=1.0.0: no plugin nonexistent is in the plugins folder", List.of("nonexistent")));
        assertThat(catalog.problems().get(0).waits()).isTrue();
    }

    @Test
    void aDependencyOfAVersionOutOfRangeIsNamedWithWhatIsThere() throws Exception {
        library("1.0.0").writeTo(plugins.resolve("lib.jar"));
        user("user", "lib@>=2.0.0").writeTo(plugins.resolve("user.jar"));
        plugin("other").observer("other-observer").writeTo(plugins.resolve("other.jar"));

        ExtensionCatalog catalog = host.loadFolder(plugins);

        assertThat(catalog.plugins()).extracting(PluginInfo::id).containsExactly("lib", "other");
        assertThat(catalog.problems()).extracting(PluginProblem::toString).containsExactly(
                "user.jar: plugin user 1.0.0 waits for lib >=2.0.0: lib 1.0.0 is loaded (lib.jar)");
    }

    @Test
    void aShortVersionSuchAs1Point2IsComparedAsItsFullForm() throws Exception {
        library("1.2").writeTo(plugins.resolve("lib.jar"));
        user("user", "lib@>=1.1.0 & <2.0.0").writeTo(plugins.resolve("user.jar"));
        user("picky", "lib@>=1.3.0").writeTo(plugins.resolve("picky.jar"));

        ExtensionCatalog catalog = host.loadFolder(plugins);

        assertThat(catalog.plugins()).extracting(PluginInfo::id).containsExactly("lib", "user");
        assertThat(catalog.problems()).extracting(PluginProblem::toString).containsExactly(
                "picky.jar: plugin picky 1.0.0 waits for lib >=1.3.0: lib 1.2 is loaded (lib.jar)");
    }

    @Test
    void aPinnedLibraryWhoseDigestDiffersIsRefusedAndItsUserWaits() throws Exception {
        library("1.0.0").writeTo(plugins.resolve("lib.jar"));
        user("user", "lib").writeTo(plugins.resolve("user.jar"));
        host.pin(java.util.Map.of("lib", "0".repeat(64)));

        ExtensionCatalog catalog = host.loadFolder(plugins);

        assertThat(catalog.plugins()).isEmpty();
        assertThat(catalog.problems()).extracting(PluginProblem::jar, PluginProblem::waits)
                .containsExactly(org.assertj.core.api.Assertions.tuple("lib.jar", false),
                        org.assertj.core.api.Assertions.tuple("user.jar", true));
        assertThat(catalog.problems().get(0).reason()).startsWith("refused: its SHA-256 is ")
                .endsWith(" but plugins.verify pins " + "0".repeat(64) + " for plugin lib");
    }

    @Test
    void aCycleIsRefusedNamingItAndTheRestLoads() throws Exception {
        plugin("a").dependsOn("b").observer("a-observer").writeTo(plugins.resolve("a.jar"));
        plugin("b").dependsOn("c@>=1.0.0").observer("b-observer").writeTo(plugins.resolve("b.jar"));
        plugin("c").dependsOn("a").observer("c-observer").writeTo(plugins.resolve("c.jar"));
        plugin("d").observer("d-observer").writeTo(plugins.resolve("d.jar"));

        ExtensionCatalog catalog = host.loadFolder(plugins);

        assertThat(catalog.plugins()).extracting(PluginInfo::id).containsExactly("d");
        assertThat(catalog.problems()).extracting(PluginProblem::toString).containsExactly(
                "a.jar: plugin a 1.0.0 is in a dependency cycle: a -> b -> c -> a (Plugin-Dependencies); "
                        + "none of them can load",
                "b.jar: plugin b 1.0.0 is in a dependency cycle: b -> c -> a -> b (Plugin-Dependencies); "
                        + "none of them can load",
                "c.jar: plugin c 1.0.0 is in a dependency cycle: c -> a -> b -> c (Plugin-Dependencies); "
                        + "none of them can load");
    }

    @Test
    void aWaitingJarLoadsWhenItsDependencyArrives() throws Exception {
        user("user", "lib").writeTo(plugins.resolve("user.jar"));
        host.loadFolder(plugins);
        assertThat(host.catalog().problems()).extracting(PluginProblem::waitsFor).containsExactly(List.of("lib"));

        Optional<PluginInfo> lib = host.load(library("1.0.0").writeTo(plugins.resolve("lib.jar")));

        assertThat(lib).map(PluginInfo::id).hasValue("lib");
        assertThat(host.catalog().problems()).isEmpty();
        assertThat(host.catalog().plugins()).extracting(PluginInfo::id).containsExactly("lib", "user");
    }

    @Test
    void replacingALibraryReloadsWhatDependsOnItOnTheNewVersion() throws Exception {
        library("1.0.0").writeTo(plugins.resolve("lib.jar"));
        user("user", "lib").writeTo(plugins.resolve("user.jar"));
        host.loadFolder(plugins);
        ClassLoader before = host.catalog().observer("user-observer").classLoader();

        Optional<PluginInfo> now = host.replace("lib", Optional.of(library("2.0.0").writeTo(plugins.resolve("lib.jar"))));

        assertThat(now).map(PluginInfo::version).hasValue("2.0.0");
        assertThat(host.catalog().plugins()).extracting(p -> p.id() + " " + p.version())
                .containsExactly("lib 2.0.0", "user 1.0.0");
        assertThat(host.catalog().observer("user-observer").classLoader()).isNotSameAs(before);
        host.catalog().observer("user-observer").newInstance();
        assertThat(Journal.lines()).containsExactly("user: hello from lib 2.0.0");
    }

    @Test
    void aReplacementThatCannotLoadFallsBackAndLeavesTheDependentsRunning() throws Exception {
        library("1.0.0").writeTo(plugins.resolve("lib.jar"));
        user("user", "lib").writeTo(plugins.resolve("user.jar"));
        host.loadFolder(plugins);

        Path broken = library("2.0.0").attribute("Plugin-Requires", ">=9.0.0").writeTo(plugins.resolve("lib.jar"));
        assertThat(host.replace("lib", Optional.of(broken))).isEmpty();

        assertThat(host.catalog().plugins()).extracting(p -> p.id() + " " + p.version())
                .containsExactly("lib 1.0.0", "user 1.0.0");
        host.catalog().observer("user-observer").newInstance();
        assertThat(Journal.lines()).containsExactly("user: hello from lib 1.0.0");
    }

    @Test
    void aReplacementOutsideADependentsRangeIsRefusedAndNothingChanges() throws Exception {
        library("1.0.0").writeTo(plugins.resolve("lib.jar"));
        user("user", "lib@>=1.0.0 & <2.0.0").writeTo(plugins.resolve("user.jar"));
        host.loadFolder(plugins);
        ClassLoader before = host.catalog().observer("user-observer").classLoader();

        assertThat(host.replace("lib", Optional.of(library("2.0.0").writeTo(plugins.resolve("lib.jar"))))).isEmpty();

        assertThat(host.catalog().plugins()).extracting(p -> p.id() + " " + p.version())
                .containsExactly("lib 1.0.0", "user 1.0.0");
        assertThat(host.catalog().observer("user-observer").classLoader()).isSameAs(before);
        assertThat(host.catalog().problems()).extracting(PluginProblem::toString).containsExactly("lib.jar: plugin lib "
                + "2.0.0 is outside the range user 1.0.0 needs (lib@>=1.0.0 & <2.0.0); lib 1.0.0 keeps running");
    }

    @Test
    void removingALibraryMakesItsDependentsWaitUntilItIsBack() throws Exception {
        Path lib = library("1.0.0").writeTo(plugins.resolve("lib.jar"));
        user("user", "lib@>=1.0.0").writeTo(plugins.resolve("user.jar"));
        host.loadFolder(plugins);

        Files.delete(lib);
        host.forget("lib.jar");
        host.replace("lib", Optional.empty());

        assertThat(host.catalog().plugins()).isEmpty();
        assertThat(host.catalog().problems()).extracting(PluginProblem::toString).containsExactly(
                "user.jar: plugin user 1.0.0 waits for lib >=1.0.0: no plugin lib is in the plugins folder");

        host.load(library("1.0.0").writeTo(plugins.resolve("lib.jar")));

        assertThat(host.catalog().plugins()).extracting(PluginInfo::id).containsExactly("lib", "user");
        assertThat(host.catalog().problems()).isEmpty();
    }

    @Test
    void anOptionalDependencyMayBeAbsentAndItsArrivalNamesWhoToReload() throws Exception {
        user("user", "lib?").writeTo(plugins.resolve("user.jar"));
        plugin("plain").observer("plain-observer").writeTo(plugins.resolve("plain.jar"));
        host.loadFolder(plugins);
        assertThat(host.catalog().plugins()).extracting(PluginInfo::id).containsExactly("plain", "user");

        host.load(library("1.0.0").writeTo(plugins.resolve("lib.jar")));

        assertThat(host.optionalDeclarersOf(Set.of("lib"))).containsExactly("user");
        host.reload(Set.of("user"));
        host.catalog().observer("user-observer").newInstance();
        assertThat(Journal.lines()).containsExactly("user: hello from lib 1.0.0");
    }

    @Test
    void anOptionalDependencyInTheFolderLoadsFirst() throws Exception {
        user("a-user", "lib?").writeTo(plugins.resolve("a-user.jar"));
        library("1.0.0").writeTo(plugins.resolve("z-lib.jar"));

        host.loadFolder(plugins);

        host.catalog().observer("a-user-observer").newInstance();
        assertThat(Journal.lines()).containsExactly("a-user: hello from lib 1.0.0");
    }

    @Test
    void aPluginsOwnExtensionPointFindsTheExtensionsOfPluginsThatDependOnIt() throws Exception {
        Path alerts = plugin("alerts").source("alerts.Notifier", """
                package alerts;

                public interface Notifier extends org.pf4j.ExtensionPoint {
                    String channel();
                }
                """).writeTo(plugins.resolve("alerts.jar"));
        plugin("slack").dependsOn("alerts").compiledAgainst(alerts).source("slack.SlackNotifier", """
                package slack;

                @org.pf4j.Extension
                public class SlackNotifier implements alerts.Notifier {
                    @Override
                    public String channel() {
                        return "slack";
                    }
                }
                """).writeTo(plugins.resolve("slack.jar"));

        ExtensionCatalog catalog = host.loadFolder(plugins);

        assertThat(catalog.problems()).isEmpty();
        Class<?> notifier = catalog.plugins().stream().filter(p -> p.id().equals("alerts")).findFirst()
                .map(p -> loadFrom(catalog, "slack", "alerts.Notifier")).orElseThrow();
        assertThat(catalog.extensionsOf(notifier)).extracting(ExtensionClass::pluginId).containsExactly("slack");
        assertThat(catalog.contributedTypes("slack")).contains("alerts.Notifier", "slack.SlackNotifier");
    }

    private static Class<?> loadFrom(ExtensionCatalog catalog, String pluginId, String className) {
        try {
            return catalog.extensionsOf(Object.class).stream().filter(e -> e.pluginId().equals(pluginId)).findFirst()
                    .orElseThrow().classLoader().loadClass(className);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
