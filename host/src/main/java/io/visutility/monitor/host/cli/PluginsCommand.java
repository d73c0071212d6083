package io.visutility.monitor.host.cli;

import io.visutility.monitor.host.HostVersion;
import io.visutility.monitor.host.Monitor;
import io.visutility.monitor.host.manifest.Manifest;
import io.visutility.monitor.host.manifest.ManifestLoader;
import io.visutility.monitor.host.plugins.ExtensionCatalog;
import io.visutility.monitor.host.plugins.PluginHost;
import io.visutility.monitor.host.plugins.PluginInfo;
import io.visutility.monitor.host.plugins.PluginProblem;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code monitor plugins}: lists the plugins of the manifest's folder, their types, what they
 * depend on and what depends on them, the jars that wait for a dependency, and failures. Exits 1
 * when a jar of the folder could not be loaded or waits, so a script or CI step notices.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List the plugins in the manifest's plugins folder, the types they provide and their "
                + "dependencies.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every jar loaded",
                "1:a jar failed to load (listed as FAILED, with why) or waits for a dependency (WAITS, with what for)",
                "2:bad usage or bad config"})
final class PluginsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        Manifest manifest = new ManifestLoader().load(config.file);
        try (PluginHost plugins = new PluginHost(HostVersion.current())) {
            plugins.pin(manifest.pins());
            ExtensionCatalog catalog = Monitor.loadPlugins(plugins, manifest);
            PrintWriter out = spec.commandLine().getOut();
            out.println("plugins in " + manifest.pluginsDir() + " (host " + HostVersion.current() + "):");
            for (PluginInfo plugin : catalog.plugins()) {
                out.printf("  %s %s (%s)%n", plugin.id(), plugin.version(), plugin.jar());
                plugin.observerTypes().forEach(type -> out.println("    observer: " + type));
                plugin.strategyTypes().forEach(type -> out.println("    strategy: " + type));
                plugin.dependencies().forEach(dependency -> out.println("    depends on: " + dependency));
                catalog.dependentsOf(plugin.id()).forEach(dependent ->
                        out.println("    used by: " + dependent.id() + " " + dependent.version()));
                if (plugin.observerTypes().isEmpty() && plugin.strategyTypes().isEmpty()) {
                    out.println("    library: no observer or strategy types");
                }
            }
            for (PluginProblem problem : catalog.problems()) {
                out.println("  " + (problem.waits() ? "WAITS " : "FAILED ") + problem);
            }
            out.flush();
            if (!catalog.problems().isEmpty()) {
                long waits = catalog.problems().stream().filter(PluginProblem::waits).count();
                long failed = catalog.problems().size() - waits;
                int jars = catalog.problems().size() + catalog.plugins().size();
                spec.commandLine().getErr().println((failed == 0 ? "" : failed + " of " + jars + " jars failed to load")
                        + (failed > 0 && waits > 0 ? ", " : "")
                        + (waits == 0 ? "" : waits + " of " + jars + " jars " + (waits == 1 ? "waits" : "wait")
                                + " for a dependency"));
                spec.commandLine().getErr().flush();
                return ExitCode.RUNTIME_FAILURE;
            }
        }
        return ExitCode.OK;
    }
}
