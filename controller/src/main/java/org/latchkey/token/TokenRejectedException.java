package org.latchkey.token;

import java.util.Objects;
import java.util.Optional;

/**
 * A token or signed document was refused. Checked, so no caller can forget the refusal. The detail
 * is for people (CLI, log); it never contains the token text or key material. A refusal after the
 * signature checked carries the signer and, when they could be read, the claims: for the audit log.
 */
public final class TokenRejectedException extends Exception {
    private final RejectionReason reason;
    private final TrustedIssuer signer;
    private final AccessClaims claims;

    public TokenRejectedException(RejectionReason reason, String detail) {
        this(reason, detail, null, null);
    }

    private TokenRejectedException(
            RejectionReason reason, String detail, TrustedIssuer signer, AccessClaims claims) {
        super(reason + ": " + detail, null, false, false);
        this.reason = Objects.requireNonNull(reason);
        this.signer = signer;
        this.claims = claims;
    }

    /** The same refusal, of a token whose signature by {@code issuer} checked. */
    TokenRejectedException signedBy(TrustedIssuer issuer, AccessClaims parsed) {
        return new TokenRejectedException(reason, detail(), issuer, parsed);
    }

    public RejectionReason reason() {
        return reason;
    }

    /** The human explanation without the reason name. */
    public String detail() {
        return getMessage().substring(reason.name().length() + 2);
    }

    /** The trusted key that signed the refused token, when its signature checked. */
    public Optional<TrustedIssuer> signer() {
        return Optional.ofNullable(signer);
    }

    /** The refused token's claims, when it was signed by a trusted key and they could be read. */
    public Optional<AccessClaims> claims() {
        return Optional.ofNullable(claims);
    }
}
