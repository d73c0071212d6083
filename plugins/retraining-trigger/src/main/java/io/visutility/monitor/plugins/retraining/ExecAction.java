package io.visutility.monitor.plugins.retraining;

import io.visutility.monitor.api.Settings;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * {@code action: exec}: runs {@code command} (a list: the executable, then its arguments) without a
 * shell, after replacing the placeholders {@code {model} {version} {strategy} {at} {reason} {score}}
 * in each argument. A relative executable path such as {@code ./retrain.sh} resolves against the
 * monitor process's working directory; a bare name is looked up on {@code PATH}. Standard input is
 * closed; standard output and error go together to a temporary {@link ExecOutput} file, whose last
 * line is logged and which is deleted after the run; it is cut whenever it passes
 * {@link ExecOutput#MAX_BYTES} while the command runs. A normal exit ends the run even if the command
 * left a background child behind (such as {@code nohup train.py &}): that child is not waited for.
 *
 * <p>Logs {@code retraining action exec model=.. version=.. exit=<code> output=<last line>} (INFO for
 * exit 0, else WARN), or at WARN {@code ... timed out after <timeout>} once it has destroyed the
 * process and its descendants (politely, then forcibly after {@link #DESTROY_GRACE}).
 *
 * <p>Thread-safe: immutable.
 *
 * @param command the command as configured, placeholders unreplaced
 * @param timeout how long a run may take
 */
record ExecAction(List<String> command, Duration timeout) implements RetrainingAction {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    static final Duration DESTROY_GRACE = Duration.ofSeconds(2);
    /** How often a running command's output file is checked against {@link ExecOutput#MAX_BYTES}. */
    private static final long OUTPUT_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    static final List<String> PLACEHOLDERS = List.of("model", "version", "strategy", "at", "reason", "score");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    ExecAction {
        command = List.copyOf(command);
    }

    /** Reads {@code command} (required, non-empty) and {@code timeout}. */
    static ExecAction fromSettings(Settings settings) {
        List<String> command = settings.getList("command");
        if (command.isEmpty()) {
            throw settings.invalid("command", "is required for action exec: a list such as "
                    + "[./retrain.sh, \"{model}\", \"{version}\"]");
        }
        for (String argument : command) {
            Matcher m = PLACEHOLDER.matcher(argument);
            while (m.find()) {
                if (!PLACEHOLDERS.contains(m.group(1))) {
                    throw settings.invalid("command", "unknown placeholder " + m.group() + " in '" + argument
                            + "'; known: {" + String.join("} {", PLACEHOLDERS) + "}");
                }
            }
        }
        return new ExecAction(command, RetrainingAction.timeout(settings, DEFAULT_TIMEOUT));
    }

    @Override
    public String name() {
        return "exec";
    }

    /** The command with the trigger's values in place of the placeholders, in one pass (a value is never re-expanded). */
    List<String> argv(Trigger trigger) {
        Map<String, String> values = Map.of("model", trigger.model(), "version", trigger.version(),
                "strategy", trigger.strategy(), "at", trigger.at().toString(), "reason", trigger.reason(),
                "score", Double.toString(trigger.score()));
        return command.stream()
                .map(argument -> PLACEHOLDER.matcher(argument)
                        .replaceAll(m -> Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group()))))
                .toList();
    }

    /**
     * The first argument that a client's value would turn into an option: one that starts with a
     * placeholder, comes before any {@code --}, and expands to something starting with {@code -}
     * (a model named {@code --help}); -1 if none.
     */
    int optionInjected(List<String> argv) {
        for (int i = 1; i < command.size(); i++) {
            if (command.get(i).equals("--")) {
                return -1;
            }
            if (command.get(i).startsWith("{") && argv.get(i).startsWith("-")) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public ActionResult run(Trigger trigger, Logger log) throws InterruptedException {
        List<String> argv = argv(trigger);
        int injected = optionInjected(argv);
        if (injected > 0) {
            // Event values come from clients: "--help" or "--output=/etc/x" must not become an option.
            log.warn("retraining action exec {} refused: argument {} ('{}' from {}) would be read as an option; "
                    + "put \"--\" before it in command", trigger.describe(), injected, argv.get(injected),
                    command.get(injected));
            return ActionResult.FAILED;
        }
        ExecOutput output;
        try {
            output = ExecOutput.create();
        } catch (IOException | RuntimeException e) {
            log.warn("retraining action exec {} failed to start {}: cannot create an output file: {}",
                    trigger.describe(), command.get(0), e.getMessage());
            return ActionResult.FAILED;
        }
        try (output) { // deleted however the run ends
            Process process;
            try {
                process = new ProcessBuilder(argv).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.file())).start();
            } catch (IOException | RuntimeException e) {
                log.warn("retraining action exec {} failed to start {}: {}", trigger.describe(), command.get(0),
                        e.getMessage());
                return ActionResult.FAILED;
            }
            return await(process, output, trigger, log);
        }
    }

    private ActionResult await(Process process, ExecOutput output, Trigger trigger, Logger log)
            throws InterruptedException {
        try {
            process.getOutputStream().close(); // EOF on stdin: a script that reads input must not wait for it
        } catch (IOException e) {
            // the child may already be gone; its exit status tells the rest
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            long left;
            while (!process.waitFor(Math.min(left = deadline - System.nanoTime(), OUTPUT_CHECK_NANOS),
                    TimeUnit.NANOSECONDS)) {
                output.trimIfOver(ExecOutput.MAX_BYTES);
                if (left <= OUTPUT_CHECK_NANOS) {
                    destroy(process);
                    log.warn("retraining action exec {} timed out after {}{}", trigger.describe(),
                            Durations.format(timeout), suffix(output));
                    return ActionResult.TIMEOUT;
                }
            }
        } catch (InterruptedException e) {
            destroy(process); // the observer is stopping: leave no child behind
            throw e;
        }
        int exit = process.exitValue();
        if (exit == 0) {
            log.info("retraining action exec {} exit=0{}", trigger.describe(), suffix(output));
            return ActionResult.OK;
        }
        log.warn("retraining action exec {} exit={}{}", trigger.describe(), exit, suffix(output));
        return ActionResult.FAILED;
    }

    private static String suffix(ExecOutput output) {
        String line = output.lastLine();
        return line.isEmpty() ? "" : " output=" + line;
    }

    /** Destroys the process and its descendants (a shell script's own children would outlive it). */
    private static void destroy(Process process) throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList(); // before they are orphaned
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        boolean exited;
        try {
            exited = process.waitFor(DESTROY_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
        if (!exited) {
            process.waitFor(DESTROY_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
