package io.visutility.monitor.host.cli;

import io.visutility.monitor.host.HostVersion;
import io.visutility.monitor.host.verify.Finding;
import io.visutility.monitor.host.verify.PluginVerifier;
import io.visutility.monitor.host.verify.Verification;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code monitor verify-plugin}: checks plugin jars before they go live, one line per problem, and
 * a last line per jar that says whether it would load and which types it provides.
 */
@Command(name = "verify-plugin", mixinStandardHelpOptions = true,
        description = {"Check plugin jars before they go live, one line per problem.",
                "Checks the manifest entries and Plugin-Requires against this host, the extension index, each "
                        + "extension (loaded as the host loads it), bundled copies of the plugin API, PF4J or SLF4J, "
                        + "and every class the code refers to.",
                "Prints one line per problem ('JAR: error: ...'), notes ('JAR: info: ...'), then 'JAR: ok: ...' "
                        + "or 'JAR: FAILED: ...'."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every jar would load and work", "1:a jar has a problem (each one listed)",
                "2:bad usage: no jar given, a file or folder that does not exist"})
final class VerifyPluginCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "The plugins folder whose plugins the jars may depend on (Plugin-Dependencies).")
    Path pluginsDir;

    @Parameters(paramLabel = "JAR", arity = "1..*", description = "The plugin jars to check.")
    List<Path> jars = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (pluginsDir != null && !Files.isDirectory(pluginsDir)) {
            throw new UsageException("--plugins: not a folder: " + pluginsDir);
        }
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                throw new UsageException("verify-plugin: no such file: " + jar);
            }
        }
        PluginLogging.quiet("error");
        PluginVerifier verifier = new PluginVerifier(HostVersion.current(), Optional.ofNullable(pluginsDir));
        PrintWriter out = spec.commandLine().getOut();
        boolean allOk = true;
        for (Path jar : jars) {
            Verification result = verifier.verify(jar);
            for (Finding finding : result.findings()) {
                out.println(result.jar() + ": " + finding.level().name().toLowerCase(Locale.ROOT) + ": " + finding.message());
            }
            if (result.ok()) {
                List<String> types = new ArrayList<>();
                result.observerTypes().forEach(type -> types.add("observer " + type));
                result.strategyTypes().forEach(type -> types.add("strategy " + type));
                out.println(result.jar() + ": ok: plugin " + result.pluginId() + " " + result.version() + " loads on host "
                        + HostVersion.current() + "; provides " + (types.isEmpty() ? "no types" : String.join(", ", types)));
            } else {
                long errors = result.findings().stream().filter(f -> f.level() == Finding.Level.ERROR).count();
                out.println(result.jar() + ": FAILED: " + errors + (errors == 1 ? " problem" : " problems"));
                allOk = false;
            }
        }
        out.flush();
        return allOk ? ExitCode.OK : ExitCode.RUNTIME_FAILURE;
    }
}
