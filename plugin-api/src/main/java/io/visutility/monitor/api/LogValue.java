package io.visutility.monitor.api;

/**
 * Writes a value into a {@code key=value} log line so that it reads as one value: a plain token
 * as it is, anything else quoted and escaped in the style of Go's {@code %q}. A model name such as
 * {@code x drift=0.00}, or one holding a line break, a bidi control or a zero-width character,
 * then cannot forge a field, a line, or text that reads differently from what it holds. The host
 * writes its own log lines this way; plugins use it for theirs:
 *
 * <pre>{@code
 * log.info("slow model={} version={}", LogValue.quote(event.model().name()), LogValue.quote(event.model().version()));
 * // slow model=fraud version=v2
 * // slow model="x drift=0.00" version=v2
 * }</pre>
 *
 * <p>A plain token is non-empty and holds only letters, digits and {@code - _ . : / @ +}.
 * Quoted, a value is written between {@code "}, with {@code \"}, {@code \\}, {@code \n},
 * {@code \r} and {@code \t}, and every other control, format (bidi, zero-width, byte order mark),
 * line or paragraph separator, private-use, unassigned or unpaired surrogate character as
 * {@code \}{@code uXXXX}.
 *
 * <p>Stateless and thread-safe.
 *
 * @since 0.2.0
 */
public final class LogValue {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogValue() {
    }

    /**
     * {@code value} as it should appear after {@code key=} in a log line.
     *
     * @param value any text; {@code null} is written {@code null}
     * @return {@code value} itself if it is a plain token, else {@code value} quoted and escaped
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        if (plain(value)) {
            return value;
        }
        StringBuilder quoted = new StringBuilder(value.length() + 8).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        int codePoint = value.codePointAt(i);
                        if (shown(codePoint)) {
                            quoted.append(c).append(value.charAt(++i));
                        } else {
                            escape(quoted, c);
                            escape(quoted, value.charAt(++i));
                        }
                    } else if (shown(c)) {
                        quoted.append(c);
                    } else {
                        escape(quoted, c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    private static boolean plain(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            if (!Character.isLetterOrDigit(codePoint) && "-_.:/@+".indexOf(codePoint) < 0) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }

    /** Whether a character is written as itself inside quotes: it prints, and prints as what it is. */
    private static boolean shown(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED -> false;
            default -> true;
        };
    }

    private static void escape(StringBuilder quoted, char c) {
        quoted.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
                .append(HEX[c & 0xF]);
    }
}
