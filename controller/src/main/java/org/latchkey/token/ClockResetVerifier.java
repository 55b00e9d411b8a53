package org.latchkey.token;

import static org.latchkey.token.RejectionReason.EXPIRED;
import static org.latchkey.token.RejectionReason.MALFORMED;
import static org.latchkey.token.RejectionReason.NOT_YET_VALID;
import static org.latchkey.token.RejectionReason.REVOKED;
import static org.latchkey.token.RejectionReason.ROLE_NOT_ALLOWED;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;

/**
 * Verifies a clock reset: an owner's signed statement of the time ({@code typ}
 * "latchkey-clock-reset"), addressed to this door, valid for a few minutes and used once. It tells
 * a door whose time floor is wrong (ahead of true time, lost, damaged) that its clock, which reads
 * what the owner says, may be believed again. It opens nothing.
 */
public final class ClockResetVerifier {
    public static final String TYPE = "latchkey-clock-reset";

    /** A statement of the time holds this long at most: it says what time it is now. */
    public static final Duration MAX_VALIDITY = Duration.ofMinutes(10);

    /** What a verified statement says. */
    public record Statement(String kid, String jti, Instant issuedAt, Instant expires) {}

    private final Audience audience;
    private final TrustStore trustStore;
    private final Duration skew;

    public ClockResetVerifier(Audience audience, TrustStore trustStore, Duration skew) {
        this.audience = audience;
        this.trustStore = trustStore;
        this.skew = skew;
    }

    /**
     * @param now the door's clock, which the statement must agree with
     */
    public Statement verify(String text, Instant now, RevocationLists revocations)
            throws TokenRejectedException {
        return verify(SignedToken.accessToken(text), now, revocations);
    }

    public Statement verify(SignedToken token, Instant now, RevocationLists revocations)
            throws TokenRejectedException {
        TrustedIssuer signer = token.signer(trustStore);
        try {
            return check(token, signer, now, revocations);
        } catch (TokenRejectedException e) {
            throw e.signedBy(signer, null);
        }
    }

    private Statement check(
            SignedToken token, TrustedIssuer signer, Instant now, RevocationLists revocations)
            throws TokenRejectedException {
        if (!signer.policy().isOwner()) {
            throw new TokenRejectedException(
                    ROLE_NOT_ALLOWED,
                    "key '" + signer.name() + "' is not an owner key and may not reset the clock");
        }
        if (revocations.revokesKey(signer.kid())) {
            throw new TokenRejectedException(REVOKED, "key '" + signer.name() + "' is revoked");
        }
        Statement s;
        String aud;
        try {
            ObjectNode o = Json.parseObject(token.payload());
            if (!TYPE.equals(AccessClaims.text(o, "typ"))) {
                throw new IllegalArgumentException("typ is not \"" + TYPE + "\"");
            }
            aud = AccessClaims.text(o, "aud");
            String jti = AccessClaims.text(o, "jti");
            if (!AccessClaims.TOKEN_ID.matcher(jti).matches()) {
                throw new IllegalArgumentException("jti must be 16–64 of A–Z a–z 0–9 _ -");
            }
            Instant iat = AccessClaims.time(o, "iat");
            Instant exp = AccessClaims.time(o, "exp");
            if (!exp.isAfter(iat) || Duration.between(iat, exp).compareTo(MAX_VALIDITY) > 0) {
                throw new IllegalArgumentException(
                        "exp must come after iat, by at most "
                                + MAX_VALIDITY.toMinutes()
                                + " minutes");
            }
            s = new Statement(signer.kid(), jti, iat, exp);
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException(MALFORMED, "clock reset: " + e.getMessage());
        }
        if (!audience.matches(aud)) {
            throw audience.wrong("clock reset", aud);
        }
        if (now.isBefore(s.issuedAt().minus(skew))) {
            throw new TokenRejectedException(
                    NOT_YET_VALID,
                    "the door's clock reads "
                            + Rfc3339.format(now)
                            + ", before the time the owner vouched for ("
                            + Rfc3339.format(s.issuedAt())
                            + "): set the system clock right first");
        }
        if (!now.isBefore(s.expires().plus(skew))) {
            throw new TokenRejectedException(
                    EXPIRED,
                    "the door's clock reads "
                            + Rfc3339.format(now)
                            + ", after the statement expired ("
                            + Rfc3339.format(s.expires())
                            + "): set the system clock right, or sign a fresh one");
        }
        return s;
    }
}
