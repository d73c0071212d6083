package io.visutility.monitor.host.cli;

import io.visutility.monitor.host.Monitor;
import io.visutility.monitor.host.plugins.PluginProblem;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code monitor validate}: does everything {@code run} does before the first event (reads the
 * manifest, loads the plugins, configures each strategy, starts each observer), then stops.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a manifest fully against the plugins folder, then exit.")
final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        try (Monitor monitor = Monitor.start(config.file)) {
            PrintWriter out = spec.commandLine().getOut();
            long waiting = monitor.catalog().problems().stream().filter(PluginProblem::waits).count();
            out.println(config.file + ": ok; observers: " + String.join(", ", monitor.observerNames())
                    + "; plugins loaded: " + monitor.catalog().plugins().size()
                    + ", failed: " + (monitor.catalog().problems().size() - waiting)
                    + (waiting == 0 ? "" : ", waiting for a dependency: " + waiting));
            out.flush();
        }
        return ExitCode.OK;
    }
}
