package org.latchkey.token;

/**
 * A token that passed every check of the profile. Only {@link AccessTokenVerifier} can make one, so code
 * that acts on it (the controller) can act on nothing else.
 */
public final class VerifiedAccess {
    private final TrustedIssuer issuer;
    private final AccessClaims claims;
    private final boolean issuedAheadOfClock;

    VerifiedAccess(TrustedIssuer issuer, AccessClaims claims, boolean issuedAheadOfClock) {
        this.issuer = issuer;
        this.claims = claims;
        this.issuedAheadOfClock = issuedAheadOfClock;
    }

    public TrustedIssuer issuer() {
        return issuer;
    }

    public AccessClaims claims() {
        return claims;
    }

    public String kid() {
        return issuer.kid();
    }

    /**
     * The token's {@code iat} lies more than the skew ahead of the door's clock: evidence that the clock is
     * behind, so the controller stops trusting it. Only owner-class tokens get here in that case.
     */
    public boolean issuedAheadOfClock() {
        return issuedAheadOfClock;
    }

    @Override
    public String toString() {
        return "VerifiedAccess[" + issuer.name() + " " + claims.role().wireName() + " " + claims.use().wireName()
                + " jti=" + claims.tokenId() + "]";
    }
}
