package io.visutility.monitor.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code monitor validate} on a manifest with a YAML syntax error: what the user sees, and the exit code. */
class ValidateCommandTest {

    @TempDir
    Path root;

    @Test
    void aSyntaxErrorIsPrintedWithBothLinesAndExitsWithTwo() throws Exception {
        Files.createDirectories(root.resolve("plugins"));
        Path manifest = Files.writeString(Files.createDirectories(root.resolve("conf")).resolve("x.yaml"), """
                plugins:
                  dir: ../plugins
                observers:
                  - name: console
                    type: [console-logger
                  - name: other
                """);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        int exit;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            exit = Main.execute("validate", "--config", manifest.toString());
        } finally {
            System.setErr(stderr);
        }

        assertThat(exit).isEqualTo(ExitCode.BAD_USAGE_OR_CONFIG).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(manifest + ":6: YAML syntax: expected ',' or ']', "
                + "but got ':' (the flow sequence opened at line 5, column 11)" + System.lineSeparator());
    }
}
