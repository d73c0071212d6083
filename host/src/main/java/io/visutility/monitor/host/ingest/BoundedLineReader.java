package io.visutility.monitor.host.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into UTF-8 lines ({@code \n} or {@code \r\n}), holding at most
 * {@code maxBytes} of one line: a longer line is read to its end and reported by its length, so
 * a 10 MB line, or a stream with no line break at all, costs no more memory than the limit. A line
 * that is not valid UTF-8 is reported as such; the lines after it are read as usual.
 *
 * <p>Not thread-safe: one reader reads one stream on one thread.
 */
final class BoundedLineReader {

    /** One line of the stream. */
    sealed interface Line permits Text, Rejected {
    }

    /** A line within the limit, decoded. */
    record Text(String text) implements Line {
    }

    /** A line that cannot be an event, and why. */
    record Rejected(RejectReason reason, String message) implements Line {
    }

    private static final int BUFFER_BYTES = 64 * 1024;

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer;
    private byte[] line = new byte[256]; // grows up to maxBytes + 1 (a line and its \r)
    private final CharsetDecoder utf8 = strictUtf8();
    private int position;
    private int limit;

    /** A UTF-8 decoder that reports invalid input instead of replacing it (the ingest's one rule for bytes). */
    static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** A reader of a stream: reads it in chunks of 64 KiB. */
    BoundedLineReader(InputStream in, int maxBytes) {
        this(in, maxBytes, BUFFER_BYTES);
    }

    /** A reader of {@code bytes}, which are already in memory: buffers no more than their length. */
    BoundedLineReader(byte[] bytes, int maxBytes) {
        this(new ByteArrayInputStream(bytes), maxBytes, Math.max(1, Math.min(bytes.length, BUFFER_BYTES)));
    }

    private BoundedLineReader(InputStream in, int maxBytes, int bufferBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.buffer = new byte[bufferBytes];
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        int kept = 0;
        long length = 0;
        byte last = 0;
        boolean any = false;
        while (true) {
            if (position == limit) {
                int read = in.read(buffer);
                if (read <= 0) {
                    position = limit = 0;
                    if (!any) {
                        return null;
                    }
                    break;
                }
                position = 0;
                limit = read;
            }
            any = true;
            int end = indexOfNewline();
            int chunk = (end < 0 ? limit : end) - position;
            if (chunk > 0) {
                last = buffer[position + chunk - 1];
            }
            if (length + chunk <= maxBytes + 1) {
                if (kept + chunk > line.length) {
                    line = Arrays.copyOf(line, Math.min(maxBytes + 1, Math.max(kept + chunk, 2 * line.length)));
                }
                System.arraycopy(buffer, position, line, kept, chunk);
                kept += chunk;
            }
            length += chunk;
            position = end < 0 ? limit : end + 1;
            if (end >= 0) {
                break;
            }
        }
        if (last == '\r') {
            length--; // the \r of a \r\n is not part of the line
            kept = (int) Math.min(kept, length);
        }
        if (length > maxBytes) {
            return new Rejected(RejectReason.TOO_LONG, "line of " + length + " bytes is longer than the limit of " + maxBytes);
        }
        try {
            return new Text(utf8.reset().decode(ByteBuffer.wrap(line, 0, kept)).toString());
        } catch (CharacterCodingException e) {
            return new Rejected(RejectReason.NOT_UTF8, "line is not valid UTF-8");
        }
    }

    private int indexOfNewline() {
        for (int i = position; i < limit; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
