package io.visutility.monitor.host.cli;

import io.visutility.monitor.host.manifest.ManifestException;
import picocli.CommandLine;

/** Entry point of {@code bin/monitor}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (0 ok, 1 runtime failure, 2 bad usage or config). */
    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new MonitorCommand());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ManifestException || e instanceof UsageException) {
                cmd.getErr().println(e.getMessage());
                return ExitCode.BAD_USAGE_OR_CONFIG;
            }
            cmd.getErr().println("monitor: " + e);
            return ExitCode.RUNTIME_FAILURE;
        });
        return commandLine.execute(args);
    }
}
