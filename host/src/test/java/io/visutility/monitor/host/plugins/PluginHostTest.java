package io.visutility.monitor.host.plugins;

import static io.visutility.monitor.host.testing.PluginJar.plugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.visutility.monitor.api.Observer;
import io.visutility.monitor.host.testing.PluginJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pf4j.PluginClassLoader;

/** {@link PluginHost} on real jars compiled by the test, in a real folder. */
class PluginHostTest {

    private static final String HOST_VERSION = "0.1.0";

    @TempDir
    Path plugins;

    private final PluginHost host = new PluginHost(HOST_VERSION);

    @AfterEach
    void close() {
        host.close();
    }

    @Test
    void loadsEachJarOfTheFolderAndCataloguesItsTypes() throws Exception {
        plugin("alpha").version("1.2.0").observer("alpha-observer").observer("alpha-other")
                .writeTo(plugins.resolve("alpha.jar"));
        plugin("beta").observer("beta-observer").writeTo(plugins.resolve("beta.jar"));
        Files.writeString(plugins.resolve("notes.txt"), "not a jar: ignored");
        Files.writeString(plugins.resolve(".gamma.jar.tmp"), "a copy in progress: ignored");

        ExtensionCatalog catalog = host.loadFolder(plugins);

        assertThat(catalog.plugins()).containsExactly(
                new PluginInfo("alpha", "1.2.0", "alpha.jar", List.of("alpha-observer", "alpha-other"), List.of()),
                new PluginInfo("beta", "1.0.0", "beta.jar", List.of("beta-observer"), List.of()));
        assertThat(catalog.problems()).isEmpty();
        ExtensionClass<Observer> type = catalog.observer("beta-observer");
        assertThat(type.qualifiedType()).isEqualTo("beta:beta-observer");
        assertThat(type.newInstance()).isInstanceOf(Observer.class);
        assertThat(catalog.observer("alpha:alpha-observer").pluginId()).isEqualTo("alpha");
    }

    @Test
    void runsFromItsOwnCopySoTheJarInTheFolderMayGo() throws Exception {
        Path jar = plugin("alpha").observer("alpha-observer").writeTo(plugins.resolve("alpha.jar"));
        host.loadFolder(plugins);

        Files.delete(jar);

        assertThat(host.catalog().observer("alpha-observer").newInstance()).isInstanceOf(Observer.class);
    }

    static List<Arguments> badJars() {
        return List.of(
                bad("no extension index", PluginJar::withoutIndex,
                        "no META-INF/extensions.idx, so no observers or strategies: PF4J's annotation processor "
                                + "did not run when the jar was built"),
                bad("no Plugin-Version", jar -> jar.attribute("Plugin-Version", null),
                        "not a plugin jar: META-INF/MANIFEST.MF has no Plugin-Version"),
                bad("Plugin-Id with a path", jar -> jar.attribute("Plugin-Id", "../x"),
                        "Plugin-Id '../x' may only hold letters, digits, '.', '_' and '-'"),
                bad("Plugin-Requires not met", jar -> jar.attribute("Plugin-Requires", ">=9.0.0"),
                        "plugin bad requires host version '>=9.0.0' (Plugin-Requires), this host is 0.1.0"),
                bad("Plugin-Requires not a range", jar -> jar.attribute("Plugin-Requires", "banana"),
                        "Plugin-Requires 'banana' is not a version range such as >=0.1.0 & <1.0.0: "
                                + "Illegal character near 'banana'"));
    }

    private static Arguments bad(String description, UnaryOperator<PluginJar> spoil, String reason) {
        return Arguments.of(description, spoil, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJars")
    void aBadJarIsOneProblemNamingItAndTheOthersStillLoad(String description, UnaryOperator<PluginJar> spoil,
                                                          String reason) throws Exception {
        plugin("alpha").observer("alpha-observer").writeTo(plugins.resolve("alpha.jar"));
        spoil.apply(plugin("bad").observer("bad-observer")).writeTo(plugins.resolve("bad.jar"));
        plugin("zeta").observer("zeta-observer").writeTo(plugins.resolve("zeta.jar"));

        ExtensionCatalog catalog = host.loadFolder(plugins);

        assertThat(catalog.problems()).containsExactly(new PluginProblem("bad.jar", reason));
        assertThat(catalog.plugins()).extracting(PluginInfo::id).containsExactly("alpha", "zeta");
        assertThatThrownBy(() -> catalog.observer("bad-observer")).isInstanceOf(UnknownTypeException.class)
                .hasMessage("unknown observer type 'bad-observer'; known: alpha-observer, zeta-observer "
                        + "(plugins that failed to load: bad.jar)");
    }

    @Test
    void aSecondJarWithALoadedPluginIdIsRefusedAndRemembered() throws Exception {
        plugin("alpha").observer("alpha-observer").writeTo(plugins.resolve("alpha.jar"));
        plugin("alpha").version("2.0.0").observer("alpha-observer").writeTo(plugins.resolve("z-alpha.jar"));

        ExtensionCatalog catalog = host.loadFolder(plugins);

        assertThat(catalog.plugins()).extracting(PluginInfo::version).containsExactly("1.0.0");
        assertThat(catalog.problems()).containsExactly(
                new PluginProblem("z-alpha.jar", "plugin id 'alpha' is already loaded from alpha.jar"));
        assertThat(host.refusedDuplicateOf("alpha")).hasValue("z-alpha.jar");
    }

    @Test
    void aReplacementUnloadsTheOldVersionThenLoadsTheNew() throws Exception {
        plugin("alpha").observer("alpha-observer").writeTo(plugins.resolve("alpha.jar"));
        host.loadFolder(plugins);
        Class<? extends Observer> v1 = host.catalog().observer("alpha-observer").implementation();
        Path v2 = plugin("alpha").version("2.0.0").observer("alpha-observer").writeTo(plugins.resolve("alpha.jar"));

        Optional<PluginInfo> loaded = host.replace("alpha", Optional.of(v2));

        assertThat(loaded).map(PluginInfo::version).hasValue("2.0.0");
        assertThat(host.catalog().plugins()).extracting(PluginInfo::version).containsExactly("2.0.0");
        Class<? extends Observer> now = host.catalog().observer("alpha-observer").implementation();
        assertThat(now.getClassLoader()).isNotSameAs(v1.getClassLoader());
        assertThat(((PluginClassLoader) v1.getClassLoader()).isClosed()).isTrue();
    }

    @Test
    void aReplacementThatFailsFallsBackToTheLastGoodCopy() throws Exception {
        Path jar = plugin("alpha").observer("alpha-observer").writeTo(plugins.resolve("alpha.jar"));
        host.loadFolder(plugins);
        plugin("alpha").version("2.0.0").attribute("Plugin-Requires", ">=9.0.0").observer("alpha-observer")
                .writeTo(jar);

        assertThat(host.replace("alpha", Optional.of(jar))).isEmpty();

        assertThat(host.catalog().plugins()).extracting(PluginInfo::id, PluginInfo::version, PluginInfo::jar)
                .containsExactly(tuple("alpha", "1.0.0", "alpha.jar"));
        assertThat(host.catalog().problems()).containsExactly(new PluginProblem("alpha.jar",
                "plugin alpha requires host version '>=9.0.0' (Plugin-Requires), this host is 0.1.0"));
        assertThat(host.catalog().observer("alpha-observer").newInstance()).isInstanceOf(Observer.class);
    }

    @Test
    void aRemovedPluginLeavesNothingBehind() throws Exception {
        plugin("alpha").observer("alpha-observer").writeTo(plugins.resolve("alpha.jar"));
        plugin("beta").observer("beta-observer").writeTo(plugins.resolve("beta.jar"));
        host.loadFolder(plugins);
        ClassLoader alpha = host.catalog().observer("alpha-observer").classLoader();

        host.forget("alpha.jar");
        host.replace("alpha", Optional.empty());

        assertThat(((PluginClassLoader) alpha).isClosed()).isTrue();
        assertThat(host.catalog().plugins()).extracting(PluginInfo::id).containsExactly("beta");
        assertThat(host.pluginFromJar("alpha.jar")).isEmpty();
        assertThatThrownBy(() -> host.catalog().observer("alpha-observer"))
                .hasMessage("unknown observer type 'alpha-observer'; known: beta-observer");
        assertThat(host.replace("alpha", Optional.empty())).isEmpty();
    }
}
