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
 * the deleted file, which is harmless.
 *
 * <p>Not thread-safe: used by the one thread running the action.
 */
final class ExecOutput implements AutoCloseable {

    static final String PREFIX = "retraining-exec-";
    /** How much of the end of the output {@link #lastLine} reads. */
    static final int TAIL = 4096;

    private final Path file;

    private ExecOutput(Path file) {
        this.file = file;
    }

    /** Creates a new, empty output file. */
    static ExecOutput create() throws IOException {
        return new ExecOutput(Files.createTempFile(PREFIX, ".log"));
    }

    /** The file, for {@link ProcessBuilder#redirectOutput(File)}. */
    File file() {
        return file.toFile();
    }

    /**
     * The last non-blank line within the last {@value #TAIL} bytes, stripped; empty if there is none or
     * the file cannot be read. Invalid UTF-8 (or a character cut at the start of the tail) decodes leniently.
     */
    String lastLine() {
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
