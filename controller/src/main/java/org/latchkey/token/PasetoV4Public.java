package org.latchkey.token;

import static org.latchkey.token.RejectionReason.BAD_SIGNATURE;
import static org.latchkey.token.RejectionReason.MALFORMED;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * PASETO v4.public (Ed25519): {@code v4.public.<base64url(payload || sig)>[.<base64url(footer)>]}.
 * The generic protocol, with an optional footer and implicit assertion, as the official vectors use
 * it; the latchkey profile's stricter rules sit on top in {@link SignedToken}.
 */
public final class PasetoV4Public {
    public static final String HEADER = "v4.public.";
    private static final byte[] HEADER_BYTES = HEADER.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONE = new byte[0];

    private PasetoV4Public() {}

    /** The pieces of a token, decoded but not verified. */
    record Parts(byte[] payload, byte[] signature, byte[] footer) {
        byte[] preAuth(byte[] implicitAssertion) {
            return PreAuthEncoding.encode(HEADER_BYTES, payload, footer, implicitAssertion);
        }
    }

    public static String sign(
            SigningKey key, byte[] payload, byte[] footer, byte[] implicitAssertion) {
        byte[] signature =
                key.sign(PreAuthEncoding.encode(HEADER_BYTES, payload, footer, implicitAssertion));
        byte[] body = Arrays.copyOf(payload, payload.length + signature.length);
        System.arraycopy(signature, 0, body, payload.length, signature.length);
        String token = HEADER + Base64Url.encode(body);
        return footer.length == 0 ? token : token + "." + Base64Url.encode(footer);
    }

    /** Verifies a token with a known key and returns its payload. */
    public static byte[] verify(PublicKey key, String token, byte[] implicitAssertion)
            throws TokenRejectedException {
        Parts parts = split(token);
        if (!key.verify(parts.preAuth(implicitAssertion), parts.signature())) {
            throw new TokenRejectedException(BAD_SIGNATURE, "signature does not verify");
        }
        return parts.payload();
    }

    static Parts split(String token) throws TokenRejectedException {
        if (!token.startsWith(HEADER)) {
            throw new TokenRejectedException(
                    MALFORMED, "not a v4.public token" + versionHint(token));
        }
        String rest = token.substring(HEADER.length());
        int dot = rest.indexOf('.');
        String body = dot < 0 ? rest : rest.substring(0, dot);
        String footerText = dot < 0 ? "" : rest.substring(dot + 1);
        if (dot >= 0 && (footerText.isEmpty() || footerText.indexOf('.') >= 0)) {
            throw new TokenRejectedException(
                    MALFORMED, "a token has at most four dot-separated parts and no empty footer");
        }
        byte[] decoded = decodePart(body, "body");
        if (decoded.length < Signatures.LENGTH) {
            throw new TokenRejectedException(MALFORMED, "body shorter than a 64-byte signature");
        }
        byte[] footer = footerText.isEmpty() ? NONE : decodePart(footerText, "footer");
        int split = decoded.length - Signatures.LENGTH;
        return new Parts(
                Arrays.copyOfRange(decoded, 0, split),
                Arrays.copyOfRange(decoded, split, decoded.length),
                footer);
    }

    private static byte[] decodePart(String text, String what) throws TokenRejectedException {
        try {
            return Base64Url.decode(text);
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException(MALFORMED, what + ": " + e.getMessage());
        }
    }

    private static String versionHint(String token) {
        int second = token.indexOf('.', token.indexOf('.') + 1);
        if (second > 0
                && second <= 12
                && token.chars().limit(second).allMatch(c -> c >= 0x21 && c < 0x7F)) {
            return " (it starts with '" + token.substring(0, second + 1) + "')";
        }
        return "";
    }
}
