package org.latchkey.token;

import static org.latchkey.token.RejectionReason.MALFORMED;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token text that passed the latchkey profile's input rules, not yet verified: at most a size limit,
 * ASCII, canonical base64url, a footer of exactly {@code {"kid":"k4.pid.…"}}. All of this is checked before
 * any cryptography, so malformed input costs almost nothing.
 */
record SignedToken(PasetoV4Public.Parts parts, String kid) {
    /** Access tokens: the whole text, in bytes. */
    static final int MAX_ACCESS_TOKEN_BYTES = 2048;

    // The footer is attacker-controlled until the signature checks: a fixed shape, never a JSON parser.
    private static final Pattern FOOTER = Pattern.compile("\\{\"kid\":\"(" + Paserk.PID.pattern() + ")\"}");
    private static final int FOOTER_LENGTH = 61;

    static SignedToken parse(String text, int maxBytes) throws TokenRejectedException {
        if (text == null || text.isEmpty()) {
            throw new TokenRejectedException(MALFORMED, "empty token");
        }
        if (text.length() > maxBytes + 2) {
            throw new TokenRejectedException(MALFORMED, "longer than " + maxBytes + " bytes");
        }
        String token = trimScannerLineEnd(text);
        if (token.length() > maxBytes) {
            throw new TokenRejectedException(MALFORMED, "longer than " + maxBytes + " bytes");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new TokenRejectedException(MALFORMED, "character " + Base64Url.describe(c) + " at " + i
                        + " (tokens are printable ASCII without spaces)");
            }
        }
        PasetoV4Public.Parts parts = PasetoV4Public.split(token);
        if (parts.footer().length == 0) {
            throw new TokenRejectedException(MALFORMED, "footer missing: it must name the key id");
        }
        if (parts.footer().length != FOOTER_LENGTH) {
            throw new TokenRejectedException(MALFORMED, "footer is not {\"kid\":\"k4.pid.…\"}");
        }
        Matcher m = FOOTER.matcher(new String(parts.footer(), StandardCharsets.US_ASCII));
        if (!m.matches()) {
            throw new TokenRejectedException(MALFORMED, "footer is not {\"kid\":\"k4.pid.…\"}");
        }
        return new SignedToken(parts, m.group(1));
    }

    /** A scanner ends its line with CR LF, LF or CR: drop one such line end, and nothing else. */
    private static String trimScannerLineEnd(String text) {
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        if (text.endsWith("\n") || text.endsWith("\r")) {
            return text.substring(0, text.length() - 1);
        }
        return text;
    }

    byte[] preAuth() {
        return parts.preAuth(new byte[0]);
    }
}
