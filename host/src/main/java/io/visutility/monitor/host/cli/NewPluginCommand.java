package io.visutility.monitor.host.cli;

import io.visutility.monitor.host.scaffold.PluginScaffold;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code monitor new-plugin}: writes a plugin project that builds, tests and loads as it is. */
@Command(name = "new-plugin", mixinStandardHelpOptions = true,
        description = {"Write a new observer or strategy plugin project that builds, tests and loads.",
                "A Maven build against plugin-api (provided) and plugin-testkit (test), one extension class that "
                        + "reads its settings, its test, the schema of its settings and a README with the manifest "
                        + "lines that use it."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written", "1:a file could not be written",
                "2:bad usage: a bad --kind, --name or --package, or a --dir that is not empty"})
final class NewPluginCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--kind", required = true, paramLabel = "observer|strategy",
            description = "What the plugin provides: an observer or a drift strategy.")
    String kind;

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "The plugin id, Maven artifact id and type name: lower-case words joined by dashes.")
    String name;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to write it (default: ./NAME); must not exist or be empty.")
    Path dir;

    @Option(names = "--package", paramLabel = "P", description = "The Java package (default: com.example.NAME without dashes).")
    String javaPackage;

    @Override
    public Integer call() throws Exception {
        PluginScaffold.Kind parsedKind;
        try {
            parsedKind = PluginScaffold.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--kind: '" + kind + "' is not one of: observer, strategy");
        }
        PluginScaffold scaffold;
        List<String> files;
        Path target = dir != null ? dir : Path.of(name);
        try {
            scaffold = new PluginScaffold(parsedKind, name,
                    javaPackage != null ? javaPackage : PluginScaffold.defaultPackage(name));
            files = scaffold.writeTo(target);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("wrote " + target + ": " + parsedKind.name().toLowerCase(Locale.ROOT) + " '" + name + "' ("
                + scaffold.javaPackage() + "." + scaffold.className() + ")");
        files.forEach(file -> out.println("  " + file));
        out.println("next:");
        out.println("  cd " + target + " && mvn package");
        out.println("  monitor verify-plugin " + target.resolve(scaffold.jar()));
        out.println("  cp " + target.resolve(scaffold.jar()) + " <the host's plugins folder>");
        out.println("then use it in conf/monitor.yaml:");
        scaffold.manifestLines().lines().forEach(line -> out.println("  " + line));
        out.flush();
        return ExitCode.OK;
    }
}
