package io.visutility.monitor.host.cli;

import io.visutility.monitor.host.HostVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code monitor}: the top-level command; it only dispatches to a subcommand. */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        versionProvider = MonitorCommand.Version.class,
        description = "VisuTility Monitor: a plugin host for model monitoring.",
        subcommands = {RunCommand.class, ValidateCommand.class, PluginsCommand.class, VerifyPluginCommand.class,
                SchemaCommand.class, NewPluginCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:runtime failure", "2:bad usage or bad config"})
final class MonitorCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** Prints the host version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"VisuTility Monitor " + HostVersion.current()};
        }
    }
}
