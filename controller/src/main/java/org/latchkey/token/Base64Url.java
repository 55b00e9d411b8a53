package org.latchkey.token;

import java.util.Base64;

/** Unpadded base64url as PASETO and PASERK use it, decoded strictly: one text per byte string. */
public final class Base64Url {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {}

    public static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /**
     * Decodes canonical unpadded base64url. Refuses padding, characters outside the alphabet, and
     * non-canonical encodings (unused trailing bits set), by re-encoding and comparing.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static byte[] decode(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok =
                    (c >= 'A' && c <= 'Z')
                            || (c >= 'a' && c <= 'z')
                            || (c >= '0' && c <= '9')
                            || c == '-'
                            || c == '_';
            if (!ok) {
                throw new IllegalArgumentException(
                        "character " + describe(c) + " at " + i + " is not base64url");
            }
        }
        if (text.length() % 4 == 1) {
            throw new IllegalArgumentException(
                    "base64url text of impossible length " + text.length());
        }
        String s = text.toString();
        byte[] bytes = DECODER.decode(s);
        if (!ENCODER.encodeToString(bytes).equals(s)) {
            throw new IllegalArgumentException("non-canonical base64url (unused bits set)");
        }
        return bytes;
    }

    static String describe(char c) {
        return (c >= 0x21 && c < 0x7F) ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
