package io.visutility.monitor.host.cli;

import io.visutility.monitor.host.HostVersion;
import io.visutility.monitor.host.plugins.ExtensionCatalog;
import io.visutility.monitor.host.plugins.PluginHost;
import io.visutility.monitor.host.schema.ManifestSchema;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code monitor schema}: prints the manifest's JSON Schema (draft-07) for editors, with the
 * settings of the types the plugins folder provides.
 */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = {"Print the manifest's JSON Schema (draft-07) for editors.",
                "Every host key, the type names the plugins folder provides, and each type's settings where its "
                        + "plugin ships META-INF/monitor/<type>.schema.json.",
                "Save it as monitor.schema.json and point the YAML language server at it (see docs/plugin-kit.md)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "1:printed, but a plugin's schema could not be merged (on stderr)",
                "2:bad usage: --plugins is not a folder"})
final class SchemaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--plugins", paramLabel = "DIR", defaultValue = "${sys:monitor.home:-.}/plugins",
            description = "The plugins whose types and settings to include (default: ${DEFAULT-VALUE}).")
    Path pluginsDir;

    @Option(names = "--host-only", description = "Only the host's keys; no plugin is loaded.")
    boolean hostOnly;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (hostOnly) {
            out.println(ManifestSchema.toJson(ManifestSchema.host()));
            out.flush();
            return ExitCode.OK;
        }
        if (!Files.isDirectory(pluginsDir)) {
            throw new UsageException("--plugins: not a folder: " + pluginsDir);
        }
        PluginLogging.quiet("warn");
        try (PluginHost plugins = new PluginHost(HostVersion.current())) {
            ExtensionCatalog catalog = plugins.loadFolder(pluginsDir);
            ManifestSchema.Merged merged = ManifestSchema.withPlugins(catalog);
            out.println(ManifestSchema.toJson(merged.schema()));
            out.flush();
            merged.problems().forEach(problem -> spec.commandLine().getErr().println("schema: " + problem));
            spec.commandLine().getErr().flush();
            return merged.problems().isEmpty() ? ExitCode.OK : ExitCode.RUNTIME_FAILURE;
        }
    }
}
