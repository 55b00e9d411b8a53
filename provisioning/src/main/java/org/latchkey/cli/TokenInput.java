package org.latchkey.cli;

import org.latchkey.token.RejectionReason;
import org.latchkey.token.TokenRejectedException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Token and time arguments as people type them. */
final class TokenInput {
    /** Read at most this much from stdin; anything longer is not a token. */
    private static final int MAX_STDIN_BYTES = 64 * 1024;

    private TokenInput() {}

    /** The argument itself, or stdin when it is {@code -}. */
    static String read(String argument, InputStream stdin)
            throws IOException, TokenRejectedException {
        if (!"-".equals(argument)) {
            return argument;
        }
        byte[] bytes = stdin.readNBytes(MAX_STDIN_BYTES + 1);
        if (bytes.length > MAX_STDIN_BYTES) {
            throw new TokenRejectedException(
                    RejectionReason.MALFORMED,
                    "stdin holds more than " + MAX_STDIN_BYTES + " bytes");
        }
        return new String(
                bytes, StandardCharsets.ISO_8859_1); // non-ASCII stays visible and is refused later
    }
}
