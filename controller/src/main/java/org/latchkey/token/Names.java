package org.latchkey.token;

/**
 * Names and other text from outside ({@code sub}, {@code iss}, a record's fields), as a person
 * reads them: whatever could drive a terminal, hide, or pass for something else is shown as {@code
 * \}{@code uXXXX} — the two invisible joiners a name may hold (scripts and emoji need them)
 * included, so that two names that look alike can be told apart. What a name may not hold at all is
 * refused where it comes in ({@link AccessClaims}).
 */
public final class Names {
    /** ZERO WIDTH NON-JOINER. */
    public static final int ZWNJ = 0x200C;

    /** ZERO WIDTH JOINER. */
    public static final int ZWJ = 0x200D;

    private Names() {}

    /**
     * {@code text} with every character a name may not hold, and ZWNJ and ZWJ, written as {@code
     * \}{@code uXXXX} (a character beyond the BMP as its two surrogates); all else as it is.
     */
    public static String forPeople(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            boolean pairOk =
                    n == 1 || Character.isSurrogatePair(text.charAt(i), text.charAt(i + 1));
            boolean escape =
                    cp == ZWNJ
                            || cp == ZWJ
                            || !AccessClaims.allowedInName(cp)
                            || (n == 1 && Character.isSurrogate((char) cp))
                            || !pairOk;
            if (escape && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (escape) {
                    for (int k = i; k < i + n; k++) {
                        sb.append(String.format("\\u%04x", (int) text.charAt(k)));
                    }
                } else {
                    sb.append(text, i, i + n);
                }
            }
            i += n;
        }
        return sb == null ? text : sb.toString();
    }
}
