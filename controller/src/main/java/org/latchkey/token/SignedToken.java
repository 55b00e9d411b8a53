package org.latchkey.token;

import static org.latchkey.token.RejectionReason.BAD_SIGNATURE;
import static org.latchkey.token.RejectionReason.MALFORMED;
import static org.latchkey.token.RejectionReason.UNKNOWN_KEY;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token text that passed the latchkey profile's input rules, not yet verified: at most a size
 * limit, ASCII, canonical base64url, a footer of exactly {@code {"kid":"k4.pid.…"}}. All of this is
 * checked before any cryptography, so malformed input costs almost nothing. Parsed once, then
 * handed to a verifier.
 */
public final class SignedToken {
    /** Access tokens: the whole text, in bytes. */
    public static final int MAX_ACCESS_TOKEN_BYTES = 2048;

    /** Revocation lists are bigger than access tokens; still bounded. */
    public static final int MAX_DOCUMENT_BYTES = 16 * 1024;

    // The footer is attacker-controlled until the signature checks: a fixed shape, never a JSON
    // parser.
    private static final Pattern FOOTER =
            Pattern.compile("\\{\"kid\":\"(" + Paserk.PID.pattern() + ")\"}");
    private static final int FOOTER_LENGTH = 61;

    private final String text;
    private final PasetoV4Public.Parts parts;
    private final String kid;

    private SignedToken(String text, PasetoV4Public.Parts parts, String kid) {
        this.text = text;
        this.parts = parts;
        this.kid = kid;
    }

    /** An access token as presented (a scanner's line end is allowed). */
    public static SignedToken accessToken(String text) throws TokenRejectedException {
        return parse(text, MAX_ACCESS_TOKEN_BYTES);
    }

    /** A signed document: a revocation list. */
    public static SignedToken document(String text) throws TokenRejectedException {
        return parse(text, MAX_DOCUMENT_BYTES);
    }

    static SignedToken parse(String text, int maxBytes) throws TokenRejectedException {
        if (text == null || text.isEmpty()) {
            throw new TokenRejectedException(MALFORMED, "empty token");
        }
        if (text.length() > maxBytes + 2) {
            throw new TokenRejectedException(MALFORMED, "longer than " + maxBytes + " bytes");
        }
        String token = withoutLineEnd(text);
        if (token.length() > maxBytes) {
            throw new TokenRejectedException(MALFORMED, "longer than " + maxBytes + " bytes");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new TokenRejectedException(
                        MALFORMED,
                        "character "
                                + Base64Url.describe(c)
                                + " at "
                                + i
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
        return new SignedToken(token, parts, m.group(1));
    }

    /**
     * The one rule for every way a token comes in (API, scanner, MQTT, a JSON form's {@code token},
     * a file): a scanner ends its line with CR LF, LF or CR; drop one such line end, and nothing
     * else — no spaces, no second line end.
     */
    public static String withoutLineEnd(String text) {
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        if (text.endsWith("\n") || text.endsWith("\r")) {
            return text.substring(0, text.length() - 1);
        }
        return text;
    }

    /** The token's text, without a scanner's line end: what a store keeps. Never for logs. */
    String text() {
        return text;
    }

    /**
     * The signing key's id, from the footer: a claim until {@link #signer} has checked the
     * signature.
     */
    public String kid() {
        return kid;
    }

    /**
     * The one signature check: the key must be in the trust store and the signature must verify
     * with it.
     *
     * @return the trusted issuer that signed this token
     */
    TrustedIssuer signer(TrustStore trust) throws TokenRejectedException {
        TrustedIssuer issuer =
                trust.find(kid)
                        .orElseThrow(
                                () ->
                                        new TokenRejectedException(
                                                UNKNOWN_KEY, "no trusted key " + kid));
        if (!issuer.key().verify(parts.preAuth(new byte[0]), parts.signature())) {
            throw new TokenRejectedException(
                    BAD_SIGNATURE, "signature does not verify with key '" + issuer.name() + "'");
        }
        return issuer;
    }

    /**
     * Whether {@code key} signed this text: for a document that introduces its own key (a door
     * card), checked by the caller against what the document says, never for access.
     */
    boolean verifiedWith(PublicKey key) {
        return key.verify(parts.preAuth(new byte[0]), parts.signature());
    }

    /** The decoded pieces, for the benchmark that compares Ed25519 providers on the same input. */
    PasetoV4Public.Parts parts() {
        return parts;
    }

    /** The payload: read it only after {@link #signer} (or to show it, marked unverified). */
    byte[] payload() {
        return parts.payload();
    }
}
