package io.visutility.monitor.host.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option every subcommand takes. */
final class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            defaultValue = "${sys:monitor.home:-.}/conf/monitor.yaml",
            description = "The manifest (default: ${DEFAULT-VALUE}).")
    Path file;
}
