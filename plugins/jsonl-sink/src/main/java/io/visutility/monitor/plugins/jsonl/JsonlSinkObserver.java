package io.visutility.monitor.plugins.jsonl;

import io.visutility.monitor.api.ExtensionType;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.api.ObserverContext;
import io.visutility.monitor.api.Settings;
import io.visutility.monitor.api.WireFormat;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.pf4j.Extension;

/**
 * Appends each event to a file as one line of the wire format (with {@code ts}), so the file can
 * be replayed with {@code monitor run --replay}. A file that exists is continued, never
 * truncated. With {@code max_bytes} the file is rotated before it would grow past that size:
 * {@code events.jsonl} becomes {@code events.jsonl.1}, the older ones shift up, and at most
 * {@code keep} rotated files are kept. Writes are buffered and flushed on {@link #stop()}. Each
 * line is encoded whole before any of it is written: an event that cannot be written as UTF-8 (a
 * name holding half a surrogate pair, from code in the host's JVM) fails alone, and leaves
 * nothing of itself in the file.
 *
 * <p>Settings: {@code path} (required), {@code max_bytes} (0, the default: never rotate),
 * {@code keep} (5).
 *
 * <p>Thread-safe: writes are serialized on the instance.
 */
@Extension
@ExtensionType("jsonl-sink")
public final class JsonlSinkObserver implements Observer {

    private Path path;
    private long maxBytes;
    private int keep;
    private OutputStream out;
    private long size;
    private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    @Override
    public synchronized void start(ObserverContext ctx) throws IOException {
        Settings settings = ctx.settings();
        path = Path.of(settings.getString("path"));
        maxBytes = settings.getLong("max_bytes", 0);
        if (maxBytes < 0) {
            throw settings.invalid("max_bytes", "must be >= 0 (0: never rotate), got " + maxBytes);
        }
        long keepValue = settings.getLong("keep", 5);
        if (keepValue < 1 || keepValue > 1000) {
            throw settings.invalid("keep", "must be from 1 to 1000, got " + keepValue);
        }
        keep = (int) keepValue;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        open();
    }

    @Override
    public synchronized void onEvent(ModelMetricEvent event) throws IOException {
        ByteBuffer line;
        try {
            line = utf8.encode(CharBuffer.wrap(line(event)));
        } catch (CharacterCodingException e) {
            throw new IOException("event not written: it is not valid UTF-16 (an unpaired surrogate in "
                    + event.model() + "); nothing of it went to " + path, e);
        }
        int bytes = line.remaining();
        if (maxBytes > 0 && size > 0 && size + bytes > maxBytes) {
            rotate();
        }
        out.write(line.array(), line.arrayOffset() + line.position(), bytes);
        size += bytes;
    }

    @Override
    public synchronized void stop() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }

    private void open() throws IOException {
        out = new BufferedOutputStream(Files.newOutputStream(path, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE), 8192);
        size = Files.size(path);
    }

    private void rotate() throws IOException {
        out.close();
        Files.deleteIfExists(rotated(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(path, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private Path rotated(int generation) {
        return path.resolveSibling(path.getFileName() + "." + generation);
    }

    /** The event in the wire format, with its timestamp, and a newline. */
    static String line(ModelMetricEvent event) {
        return WireFormat.appendJson(new StringBuilder(128), event).append('\n').toString();
    }
}
