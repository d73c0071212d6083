package io.visutility.monitor.host.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

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
    record Rejected(String reason) implements Line {
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private final byte[] line;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private int position;
    private int limit;

    BoundedLineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.line = new byte[maxBytes];
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        int kept = 0;
        long length = 0;
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
            if (length + chunk <= maxBytes) {
                System.arraycopy(buffer, position, line, kept, chunk);
                kept += chunk;
            }
            length += chunk;
            position = end < 0 ? limit : end + 1;
            if (end >= 0) {
                break;
            }
        }
        if (length > maxBytes) {
            return new Rejected("line of " + length + " bytes is longer than the limit of " + maxBytes);
        }
        if (kept > 0 && line[kept - 1] == '\r') {
            kept--;
        }
        try {
            return new Text(utf8.reset().decode(ByteBuffer.wrap(line, 0, kept)).toString());
        } catch (CharacterCodingException e) {
            return new Rejected("line is not valid UTF-8");
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
