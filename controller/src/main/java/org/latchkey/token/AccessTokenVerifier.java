package org.latchkey.token;

import static org.latchkey.token.RejectionReason.BAD_SIGNATURE;
import static org.latchkey.token.RejectionReason.CLOCK_UNTRUSTED;
import static org.latchkey.token.RejectionReason.EXPIRED;
import static org.latchkey.token.RejectionReason.NOT_YET_VALID;
import static org.latchkey.token.RejectionReason.OUTSIDE_HOURS;
import static org.latchkey.token.RejectionReason.REVOKED;
import static org.latchkey.token.RejectionReason.ROLE_NOT_ALLOWED;
import static org.latchkey.token.RejectionReason.UNKNOWN_KEY;
import static org.latchkey.token.RejectionReason.USE_NOT_ALLOWED;
import static org.latchkey.token.RejectionReason.WINDOW_TOO_LONG;
import static org.latchkey.token.RejectionReason.WRONG_LOCK;

import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Verifies access tokens against the latchkey profile: input limits, then the key, the signature, and only
 * then the claims and the door's rules. The one place a {@link VerifiedAccess} is made.
 *
 * <p>The one-time store, the operating mode and the camera are the controller's checks, after this one.
 */
public final class AccessTokenVerifier {
    private final String lockId;
    private final TrustStore trustStore;
    private final ClockRules clockRules;
    private final ZoneId zone;
    private final InstantSource clock;

    public AccessTokenVerifier(String lockId, TrustStore trustStore, ClockRules clockRules, ZoneId zone,
            InstantSource clock) {
        this.lockId = Objects.requireNonNull(lockId);
        this.trustStore = Objects.requireNonNull(trustStore);
        this.clockRules = Objects.requireNonNull(clockRules);
        this.zone = Objects.requireNonNull(zone);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Whether the trust store holds this key id (cheap; no verification). */
    public boolean trusts(String kid) {
        return trustStore.find(kid).isPresent();
    }

    /**
     * @param clockTrusted whether the door currently trusts its clock (token-profile.md, Time)
     * @param revocations the installed revocation list
     */
    public VerifiedAccess verify(String text, boolean clockTrusted, RevocationList revocations)
            throws TokenRejectedException {
        SignedToken token = SignedToken.parse(text, SignedToken.MAX_ACCESS_TOKEN_BYTES);
        TrustedIssuer issuer = trustStore.find(token.kid())
                .orElseThrow(() -> new TokenRejectedException(UNKNOWN_KEY, "no trusted key " + token.kid()));
        if (!issuer.key().verify(token.preAuth(), token.parts().signature())) {
            throw new TokenRejectedException(BAD_SIGNATURE, "signature does not verify with key '" + issuer.name() + "'");
        }
        AccessClaims claims = AccessClaims.parse(token.parts().payload());
        Instant now = clock.instant();
        boolean issuedAhead = claims.issuedAt().isAfter(now.plus(clockRules.skew()));
        checkRules(issuer, claims, now, clockTrusted && !issuedAhead, revocations);
        return new VerifiedAccess(issuer, claims, issuedAhead);
    }

    private void checkRules(TrustedIssuer issuer, AccessClaims claims, Instant now, boolean clockTrusted,
            RevocationList revocations) throws TokenRejectedException {
        if (revocations.revokesKey(issuer.kid())) {
            throw new TokenRejectedException(REVOKED, "key '" + issuer.name() + "' is revoked");
        }
        if (!lockId.equals(claims.audience())) {
            throw new TokenRejectedException(WRONG_LOCK, "the token is for lock '" + claims.audience() + "'");
        }
        if (revocations.revokesToken(issuer.kid(), claims.tokenId())) {
            throw new TokenRejectedException(REVOKED, "token " + claims.tokenId() + " is revoked");
        }
        IssuerPolicy policy = issuer.policy();
        if (!policy.maySign(claims.role())) {
            throw new TokenRejectedException(ROLE_NOT_ALLOWED,
                    "key '" + issuer.name() + "' may not grant the role " + claims.role().wireName());
        }
        if (policy.onceOnly() && claims.use() != Use.ONCE) {
            throw new TokenRejectedException(USE_NOT_ALLOWED, "key '" + issuer.name() + "' may issue only once tokens");
        }
        if (claims.window().compareTo(policy.maxWindow()) > 0) {
            throw new TokenRejectedException(WINDOW_TOO_LONG, "window of " + claims.window()
                    + " is longer than the " + policy.maxWindow() + " key '" + issuer.name() + "' may grant");
        }
        if (!clockTrusted && clockRules.rolesNeedingTrustedClock().contains(claims.role())) {
            throw new TokenRejectedException(CLOCK_UNTRUSTED,
                    "the door's clock is not trusted, so " + claims.role().wireName() + " tokens are refused");
        }
        if (now.isBefore(claims.notBefore().minus(clockRules.skew()))) {
            throw new TokenRejectedException(NOT_YET_VALID, "valid from " + Rfc3339.format(claims.notBefore()));
        }
        if (!now.isBefore(claims.expires().plus(clockRules.skew()))) {
            throw new TokenRejectedException(EXPIRED, "expired at " + Rfc3339.format(claims.expires()));
        }
        if (policy.hours().isPresent() && !policy.hours().get().contains(LocalDateTime.ofInstant(now, zone))) {
            throw new TokenRejectedException(OUTSIDE_HOURS,
                    "key '" + issuer.name() + "' tokens are valid only " + policy.hours().get() + " (" + zone + ")");
        }
    }
}
