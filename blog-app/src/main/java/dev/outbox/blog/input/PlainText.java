package dev.outbox.blog.input;

import java.util.Optional;

/**
 * What the API accepts as text. Postgres refuses NUL in {@code text}, a lone UTF-16 surrogate cannot be encoded as
 * UTF-8 (the driver would store '?'), and control characters only hide or reorder what a reader sees.
 */
public final class PlainText {

    private PlainText() {
    }

    /**
     * Why the value cannot be stored as it is, or empty when it can. Multiline text may also hold tab, line feed and
     * carriage return.
     */
    public static Optional<String> problemIn(String value, boolean multiline) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of("must be valid Unicode (a lone surrogate " + codePoint(c) + " at character "
                        + (i + 1) + ")");
            } else if (Character.getType(c) == Character.CONTROL && !(multiline && (c == '\t' || c == '\n' || c == '\r'))) {
                return Optional.of("must not contain control characters (" + codePoint(c) + " at character "
                        + (i + 1) + ")");
            }
        }
        return Optional.empty();
    }

    /** True when nothing in the value would show: whitespace, format characters and the blank "letters". */
    public static boolean isInvisible(String value) {
        return value.codePoints().allMatch(PlainText::isInvisible);
    }

    private static boolean isInvisible(int codePoint) {
        return Character.isWhitespace(codePoint)
                || Character.isSpaceChar(codePoint)
                || Character.getType(codePoint) == Character.FORMAT
                || Character.getType(codePoint) == Character.CONTROL
                // Hangul fillers and the blank Braille pattern are letters and symbols that draw nothing.
                || codePoint == 0x115F || codePoint == 0x1160 || codePoint == 0x3164 || codePoint == 0xFFA0
                || codePoint == 0x2800;
    }

    private static String codePoint(char c) {
        return String.format("U+%04X", (int) c);
    }
}
