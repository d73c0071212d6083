package io.visutility.monitor.plugins.retraining;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A temporary file ({@value #PREFIX}{@code *.log} in the system temp directory, readable by its owner
 * only) that receives one exec run's combined output. The process writes to it directly: no thread
 * of ours reads a pipe, so a background child that keeps the output open (a {@code nohup train.py &})
 * holds nothing of the plugin. {@link #close} deletes the file; such a child may go on writing to
 * the deleted file until it exits (its space is freed then).
 *
 * <p>While the run goes on, {@link #trimIfOver} keeps the file small: a file past the limit is cut
 * to nothing (the process appends, so it goes on writing at the new end), and its last line is kept
 * for {@link #lastLine}. Only the last line is ever read, and a training script that logs gigabytes
 * must not fill the temporary directory.
 *
 * <p>Not thread-safe: used by the one thread running the action.
 */
final class ExecOutput implements AutoCloseable {

    static final String PREFIX = "retraining-exec-";
    /** How much of the end of the output {@link #lastLine} reads. */
    static final int TAIL = 4096;

    /** The size past which {@link #trimIfOver} cuts the file while the command runs. */
    static final long MAX_BYTES = 1 << 20;

    private final Path file;
    /** The last line of the output cut by the last trim: what {@link #lastLine} says if nothing followed it. */
    private String lastLineBeforeTrim = "";

    private ExecOutput(Path file) {
        this.file = file;
    }

    /** Creates a new, empty output file. */
    static ExecOutput create() throws IOException {
        return new ExecOutput(Files.createTempFile(PREFIX, ".log"));
    }

    /** The file, for {@link ProcessBuilder.Redirect#appendTo(File)} (appending, so that a trim takes effect). */
    File file() {
        return file.toFile();
    }

    /**
     * The last non-blank line within the last {@value #TAIL} bytes, stripped; empty if there is none or
     * the file cannot be read. Invalid UTF-8 (or a character cut at the start of the tail) decodes leniently.
     */
    String lastLine() {
        String line = lastLineInFile();
        return line.isEmpty() ? lastLineBeforeTrim : line;
    }

    /**
     * Cuts the file to nothing if it is larger than {@code maxBytes}, keeping its last line. What
     * the process writes between reading that line and the cut (microseconds) is lost; it only
     * shows if the process printed its very last line then.
     */
    void trimIfOver(long maxBytes) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (channel.size() > maxBytes) {
                String line = lastLineInFile();
                lastLineBeforeTrim = line.isEmpty() ? lastLineBeforeTrim : line;
                channel.truncate(0);
            }
        } catch (IOException e) {
            // the output is only read for its last line; the run goes on
        }
    }

    private String lastLineInFile() {
        String text;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long start = Math.max(0, channel.size() - TAIL);
            ByteBuffer tail = ByteBuffer.allocate(TAIL);
            while (tail.hasRemaining() && channel.read(tail, start + tail.position()) > 0) {
                // until the buffer is full or the end of the file (a background child may still be appending)
            }
            text = new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            return ""; // the exit status is still worth logging
        }
        return text.substring(text.lastIndexOf('\n') + 1).strip();
    }

    /** Deletes the file; should that fail, leaves it for the JVM to delete at exit. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }
}
