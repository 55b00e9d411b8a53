package org.latchkey.token;

import static org.latchkey.token.RejectionReason.BAD_SIGNATURE;
import static org.latchkey.token.RejectionReason.MALFORMED;
import static org.latchkey.token.RejectionReason.REVOKED;
import static org.latchkey.token.RejectionReason.ROLE_NOT_ALLOWED;
import static org.latchkey.token.RejectionReason.SEQ_NOT_NEWER;
import static org.latchkey.token.RejectionReason.UNKNOWN_KEY;
import static org.latchkey.token.RejectionReason.WRONG_LOCK;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies a revocation list: a v4.public token signed by a trusted owner key, for this lock, with a
 * {@code seq} greater than the installed list's. A refused list leaves the installed one in force.
 */
public final class RevocationListVerifier {
    public static final String TYPE = "latchkey-revocation";
    /** Revocation lists are bigger than access tokens; still bounded. */
    public static final int MAX_TEXT_BYTES = 16 * 1024;

    private static final Pattern TOKEN_REF = Pattern.compile(Paserk.PID.pattern() + "/" + AccessClaims.TOKEN_ID.pattern());

    private final String lockId;
    private final TrustStore trustStore;

    public RevocationListVerifier(String lockId, TrustStore trustStore) {
        this.lockId = lockId;
        this.trustStore = trustStore;
    }

    public RevocationList verify(String text, RevocationList installed) throws TokenRejectedException {
        SignedToken token = SignedToken.parse(text, MAX_TEXT_BYTES);
        TrustedIssuer signer = trustStore.find(token.kid())
                .orElseThrow(() -> new TokenRejectedException(UNKNOWN_KEY, "no trusted key " + token.kid()));
        if (!signer.key().verify(token.preAuth(), token.parts().signature())) {
            throw new TokenRejectedException(BAD_SIGNATURE, "signature does not verify with key '" + signer.name() + "'");
        }
        if (!signer.policy().isOwner()) {
            throw new TokenRejectedException(ROLE_NOT_ALLOWED,
                    "key '" + signer.name() + "' is not an owner key and may not sign revocation lists");
        }
        if (installed.revokesKey(signer.kid())) {
            throw new TokenRejectedException(REVOKED, "key '" + signer.name() + "' is revoked");
        }
        RevocationList list = parse(token.parts().payload(), text.strip());
        if (list.seq() <= installed.seq()) {
            throw new TokenRejectedException(SEQ_NOT_NEWER,
                    "seq " + list.seq() + " is not greater than the installed list's " + installed.seq());
        }
        return list;
    }

    private RevocationList parse(byte[] payload, String text) throws TokenRejectedException {
        ObjectNode o;
        long seq;
        Instant iat;
        Set<String> jtis;
        Set<String> kids;
        String aud;
        try {
            o = Json.parseObject(payload);
            if (!TYPE.equals(AccessClaims.text(o, "typ"))) {
                throw new IllegalArgumentException("typ is not \"" + TYPE + "\"");
            }
            JsonNode seqNode = o.get("seq");
            if (seqNode == null || !seqNode.canConvertToExactIntegral() || !seqNode.canConvertToLong()
                    || seqNode.longValue() < 1) {
                throw new IllegalArgumentException("seq must be a positive integer");
            }
            seq = seqNode.longValue();
            iat = AccessClaims.time(o, "iat");
            jtis = strings(o, "jti", TOKEN_REF, "\"<kid>/<jti>\"");
            kids = strings(o, "kid", Paserk.PID, "k4.pid");
            aud = AccessClaims.text(o, "aud");
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException(MALFORMED, "revocation list: " + e.getMessage());
        }
        if (!lockId.equals(aud)) {
            throw new TokenRejectedException(WRONG_LOCK, "the list is for lock '" + Rfc3339.abbreviate(aud) + "'");
        }
        return new RevocationList(seq, iat, jtis, kids, text);
    }

    private static Set<String> strings(ObjectNode o, String name, Pattern shape, String what) {
        JsonNode n = o.get(name);
        if (n == null) {
            return Set.of();
        }
        if (!n.isArray()) {
            throw new IllegalArgumentException(name + " must be an array");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode e : n) {
            if (!e.isTextual() || !shape.matcher(e.textValue()).matches()) {
                throw new IllegalArgumentException(name + " entries must be " + what + " strings");
            }
            out.add(e.textValue());
        }
        return out;
    }
}
