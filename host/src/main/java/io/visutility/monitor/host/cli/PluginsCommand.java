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
 * {@code monitor plugins}: lists the plugins of the manifest's folder, their types, and failures.
 * Exits 1 when a jar of the folder could not be loaded, so a script or CI step notices.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List the plugins in the manifest's plugins folder and the types they provide.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every jar loaded", "1:a jar failed to load (listed as FAILED, with why)",
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
            }
            for (PluginProblem problem : catalog.problems()) {
                out.println("  FAILED " + problem);
            }
            out.flush();
            if (!catalog.problems().isEmpty()) {
                spec.commandLine().getErr().println(catalog.problems().size() + " of "
                        + (catalog.problems().size() + catalog.plugins().size()) + " jars failed to load");
                spec.commandLine().getErr().flush();
                return ExitCode.RUNTIME_FAILURE;
            }
        }
        return ExitCode.OK;
    }
}
