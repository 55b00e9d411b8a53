package org.latchkey.cli;

/** Text from the door's records, made safe to print: nothing in it can drive the terminal. */
final class Terminal {
    private Terminal() {}

    /**
     * Replaces control characters (C0, DEL, C1: a C1 CSI or an ESC starts a terminal escape),
     * bidirectional overrides and unpaired surrogates with {@code \\uXXXX}; everything else stays
     * as it is.
     */
    static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair =
                    Character.isHighSurrogate(c)
                            && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                sb.append(c).append(text.charAt(++i));
            } else if (c < 0x20
                    || (c >= 0x7F && c <= 0x9F)
                    || (c >= 0x202A && c <= 0x202E)
                    || (c >= 0x2066 && c <= 0x2069)
                    || c == 0x200E
                    || c == 0x200F
                    || c == 0x061C
                    || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
