package io.visutility.monitor.plugins.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.visutility.monitor.api.ConceptDrift;
import io.visutility.monitor.api.ModelVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code action: exec} with real shell scripts. */
class ExecActionTest {

    private static final ModelVersion DETECTOR = new ModelVersion("object_detector", "v1.2.3");
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final String PREFIX = "retraining action exec model=object_detector version=v1.2.3";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private RetrainingTriggerObserver observer;

    @AfterEach
    void stopObserver() {
        if (observer != null) {
            observer.stop();
        }
    }

    /** Writes an executable {@code #!/bin/sh} script; done before the observer starts any process. */
    private Path script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** A script that logs "start <at>", waits for the file {@code gate}, then logs "done <at>". */
    private Path gatedScript() throws IOException {
        return script("gated.sh", "echo \"start $1\" >> " + dir.resolve("runs") + "\n"
                + "echo $$ > " + dir.resolve("pid") + "\n"
                + "while [ ! -f " + dir.resolve("gate") + " ]; do sleep 0.02; done\n"
                + "echo \"done $1\" >> " + dir.resolve("runs"));
    }

    private List<String> runs() throws IOException {
        Path runs = dir.resolve("runs");
        return Files.exists(runs) ? Files.readAllLines(runs) : List.of();
    }

    private TestContext start(RetrainingTriggerObserver instance, Map<String, ?> config) {
        TestContext ctx = new TestContext(config, true);
        observer = instance;
        observer.start(ctx);
        return ctx;
    }

    private void trigger(int minutes) throws Exception {
        observer.onEvent(new ConceptDrift(DETECTOR, 0.01, T0.plusSeconds(60L * minutes)));
    }

    /** The process has ended: gone, or a zombie that an init without reaping (some containers) keeps listed. */
    private static boolean ended(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                return true;
            }
        } catch (IOException e) {
            // no /proc entry (gone, or not Linux): ask the JDK
        }
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    private static double actions(TestContext ctx, String result) {
        return ctx.metrics.value("model_retraining_actions", "retrain", "exec", result);
    }

    @Test
    void runsTheCommandWithThePlaceholdersReplaced() throws Exception {
        Path args = dir.resolve("args");
        Path retrain = script("retrain.sh", "printf '%s\\n' \"$@\" > " + args + "\necho loading\necho \"retrained $1\"");
        TestContext ctx = start(new RetrainingTriggerObserver(), Map.of("action", "exec", "command", List.of(
                retrain.toString(), "{model}", "{version}", "{strategy}", "{at}", "{reason}", "{score}",
                "--tag={model}@{version}", "{unknown-to-regex}")));

        trigger(0);

        await().atMost(WAIT).until(() -> actions(ctx, "ok") == 1);
        assertThat(Files.readAllLines(args)).containsExactly("object_detector", "v1.2.3", "counting",
                "2026-11-26T10:00:00Z", "p=0.01", "0.01", "--tag=object_detector@v1.2.3", "{unknown-to-regex}");
        assertThat(ctx.lines).containsExactly(
                "retraining triggered model=object_detector version=v1.2.3 strategy=counting at=2026-11-26T10:00:00Z reason=\"p=0.01\"",
                PREFIX + " exit=0 output=retrained object_detector");
    }

    @Test
    void aModelNameThatWouldBeAnOptionIsRefusedUnlessDashDashComesFirst() throws Exception {
        Path args = dir.resolve("args");
        Path retrain = script("retrain.sh", "printf '%s\\n' \"$@\" >> " + args);
        TestContext ctx = start(new RetrainingTriggerObserver(), Map.of("action", "exec",
                "command", List.of(retrain.toString(), "{model}")));

        observer.onEvent(new ConceptDrift(new ModelVersion("--help", "v1"), 0.01, T0));

        await().atMost(WAIT).until(() -> actions(ctx, "failed") == 1);
        assertThat(ctx.lines).contains("WARN retraining action exec model=--help version=v1 refused: argument 1 "
                + "('--help' from {model}) would be read as an option; put \"--\" before it in command");
        assertThat(args).doesNotExist();

        observer.stop();
        TestContext safe = start(new RetrainingTriggerObserver(), Map.of("action", "exec",
                "command", List.of(retrain.toString(), "--", "{model}")));
        observer.onEvent(new ConceptDrift(new ModelVersion("--help", "v1"), 0.01, T0));
        await().atMost(WAIT).until(() -> actions(safe, "ok") == 1);
        assertThat(Files.readAllLines(args)).containsExactly("--", "--help");
    }

    @Test
    void aNonZeroExitCountsAsFailedAndLogsTheLastLineOfOutput() throws Exception {
        Path retrain = script("retrain.sh", "echo loading\necho 'training data missing' >&2\nexit 3");
        TestContext ctx = start(new RetrainingTriggerObserver(), Map.of("action", "exec",
                "command", List.of(retrain.toString())));

        trigger(0);

        await().atMost(WAIT).until(() -> actions(ctx, "failed") == 1);
        assertThat(ctx.lines).contains("WARN " + PREFIX + " exit=3 output=training data missing");
    }

    @Test
    void aCommandThatCannotStartCountsAsFailed() throws Exception {
        TestContext ctx = start(new RetrainingTriggerObserver(), Map.of("action", "exec",
                "command", List.of(dir.resolve("missing.sh").toString())));

        trigger(0);

        await().atMost(WAIT).until(() -> actions(ctx, "failed") == 1);
        assertThat(ctx.lines).anyMatch(line -> line.startsWith("WARN " + PREFIX + " failed to start "
                + dir.resolve("missing.sh")));
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsKilledWithItsChildren() throws Exception {
        Path retrain = script("slow.sh", "echo $$ > " + dir.resolve("pid") + "\necho 'still training'\n"
                + "sleep 30 &\necho $! > " + dir.resolve("child") + "\nwait");
        TestContext ctx = start(new RetrainingTriggerObserver(), Map.of("action", "exec",
                "command", List.of(retrain.toString()), "timeout", "200ms"));

        trigger(0);

        await().atMost(WAIT).until(() -> actions(ctx, "timeout") == 1);
        assertThat(ctx.lines).contains("WARN " + PREFIX + " timed out after 200ms output=still training");
        for (String file : List.of("pid", "child")) {
            long pid = Long.parseLong(Files.readString(dir.resolve(file)).trim());
            await().atMost(WAIT).until(() -> ended(pid));
        }
    }

    @Test
    void aLoudCommandNeverBlocksOnAFullPipe() throws Exception {
        Path retrain = script("loud.sh", "head -c 300000 /dev/zero | tr '\\0' x\necho\necho 'the end'");
        TestContext ctx = start(new RetrainingTriggerObserver(), Map.of("action", "exec",
                "command", List.of(retrain.toString()), "timeout", "20s"));

        trigger(0);

        await().atMost(WAIT).until(() -> actions(ctx, "ok") == 1);
        assertThat(ctx.lines).contains(PREFIX + " exit=0 output=the end");
    }

    @Test
    void theOutputFileIsCutWhileACommandWritesPastTheLimitAndItsLastLineIsKept() throws Exception {
        // Writes 3 MiB and a line, waits until the file has been cut, then says how large it is.
        Path retrain = script("chatty.sh", "head -c 3145728 /dev/zero | tr '\\0' x\necho\necho 'epoch 99'\n"
                + "while [ \"$(stat -L -c %s /proc/$$/fd/1)\" -gt " + ExecOutput.MAX_BYTES + " ]; do sleep 0.05; done");
        TestContext ctx = start(new RetrainingTriggerObserver(), Map.of("action", "exec",
                "command", List.of(retrain.toString()), "timeout", "20s"));

        trigger(0);

        await().atMost(WAIT).until(() -> actions(ctx, "ok") == 1);
        assertThat(ctx.lines).contains(PREFIX + " exit=0 output=epoch 99");
    }

    @Test
    void aBackgroundChildHoldingTheOutputNeitherDelaysTheRunNorKeepsAThread() throws Exception {
        Path child = dir.resolve("child");
        Path outputFile = dir.resolve("output-file");
        Path retrain = script("nohup.sh", "readlink /proc/$$/fd/2 > " + outputFile + "\n"
                + "sleep 30 &\necho $! > " + child + "\necho started");
        try {
            TestContext ctx = start(new RetrainingTriggerObserver(), Map.of("action", "exec",
                    "command", List.of(retrain.toString())));

            trigger(0);

            await().atMost(WAIT).until(() -> actions(ctx, "ok") == 1);
            assertThat(ctx.lines).contains(PREFIX + " exit=0 output=started");
            // The action thread is back to waiting for work while the child still runs: nothing of
            // ours reads the child's output.
            Thread actions = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals("retraining-action-retrain")).findFirst().orElseThrow();
            await().atMost(WAIT).until(() -> actions.getState() == Thread.State.WAITING);
            assertThat(ProcessHandle.of(Long.parseLong(Files.readString(child).trim()))).hasValueSatisfying(
                    process -> assertThat(process.isAlive()).isTrue());
            String output = Files.readString(outputFile).trim();
            if (!output.isEmpty()) { // /proc: Linux only
                assertThat(Path.of(output).getFileName().toString()).startsWith(ExecOutput.PREFIX);
                assertThat(Path.of(output)).doesNotExist();
            }
        } finally {
            if (Files.exists(child)) {
                long pid = Long.parseLong(Files.readString(child).trim());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
                await().atMost(WAIT).until(() -> ended(pid));
            }
        }
    }

    @Test
    void onEventReturnsWhileAnActionRunsAndAFullQueueSkips() throws Exception {
        Path gated = gatedScript();
        TestContext ctx = start(new RetrainingTriggerObserver(1, Duration.ofSeconds(30)), Map.of("action", "exec",
                "command", List.of(gated.toString(), "{at}")));

        // Blocking would last until the gate file exists, which is created only below: any bound
        // catches it, and 10 s cannot be reached by a loaded machine's process start.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> trigger(0)); // runs
        await().atMost(WAIT).until(() -> runs().contains("start 2026-11-26T10:00:00Z"));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> trigger(11)); // waits in the queue
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> trigger(22)); // finds the queue full

        assertThat(actions(ctx, "skipped")).isEqualTo(1);
        assertThat(ctx.lines).contains("WARN " + PREFIX + " skipped: 1 actions already waiting");
        assertThat(ctx.lines).filteredOn(line -> line.startsWith("retraining triggered")).hasSize(3);
        assertThat(ctx.metrics.value("model_retraining_triggers", "retrain", "object_detector", "v1.2.3", "counting"))
                .isEqualTo(3);

        Files.createFile(dir.resolve("gate"));
        await().atMost(WAIT).until(() -> actions(ctx, "ok") == 2);
        assertThat(runs()).containsExactly("start 2026-11-26T10:00:00Z", "done 2026-11-26T10:00:00Z",
                "start 2026-11-26T10:11:00Z", "done 2026-11-26T10:11:00Z");
    }

    @Test
    void stopIsBoundedAndKillsWhatStillRuns() throws Exception {
        Path gated = gatedScript();
        TestContext ctx = start(new RetrainingTriggerObserver(64, Duration.ofMillis(300)), Map.of("action", "exec",
                "command", List.of(gated.toString(), "{at}")));
        trigger(0);
        await().atMost(WAIT).until(() -> runs().contains("start 2026-11-26T10:00:00Z"));
        trigger(11);

        // Legitimately up to 0.3 s + 5 s (the interrupted action's destroy grace, twice, plus 1 s);
        // 15 s stays under the 30 s default stop wait, so ignoring the configured 300ms still fails.
        assertTimeoutPreemptively(Duration.ofSeconds(15), observer::stop);
        observer = null;

        assertThat(actions(ctx, "failed")).isEqualTo(1);
        assertThat(actions(ctx, "skipped")).isEqualTo(1);
        assertThat(ctx.lines).contains(
                "WARN " + PREFIX + " abandoned at stop after waiting 300ms",
                "WARN " + PREFIX + " skipped: the observer stopped before it ran");
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")).trim());
        await().atMost(WAIT).until(() -> ended(pid));
        assertThat(runs()).containsExactly("start 2026-11-26T10:00:00Z");
    }
}
