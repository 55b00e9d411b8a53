package org.latchkey.token;

/**
 * A token that passed every check of the profile. Only {@link AccessTokenVerifier} can make one, so
 * code that acts on it (the controller) can act on nothing else.
 */
public final class VerifiedAccess {
    private final TrustedIssuer issuer;
    private final AccessClaims claims;

    VerifiedAccess(TrustedIssuer issuer, AccessClaims claims) {
        this.issuer = issuer;
        this.claims = claims;
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

    @Override
    public String toString() {
        return "VerifiedAccess["
                + issuer.name()
                + " "
                + claims.role().wireName()
                + " "
                + claims.use().wireName()
                + " jti="
                + claims.tokenId()
                + "]";
    }
}
