package org.latchkey.token;

import static org.latchkey.token.RejectionReason.CLOCK_UNTRUSTED;
import static org.latchkey.token.RejectionReason.EXPIRED;
import static org.latchkey.token.RejectionReason.NOT_YET_VALID;
import static org.latchkey.token.RejectionReason.OUTSIDE_HOURS;
import static org.latchkey.token.RejectionReason.REVOKED;
import static org.latchkey.token.RejectionReason.ROLE_NOT_ALLOWED;
import static org.latchkey.token.RejectionReason.USE_NOT_ALLOWED;
import static org.latchkey.token.RejectionReason.WINDOW_TOO_LONG;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Verifies access tokens against the latchkey profile (docs/token-profile.md): input limits, then
 * the key, the signature, and only then the claims and the door's rules. The one place a {@link
 * VerifiedAccess} is made.
 *
 * <p>The one-time store, the operating mode and the camera are the controller's checks, after this
 * one.
 */
public final class AccessTokenVerifier {
    private final Audience audience;
    private final TrustStore trustStore;
    private final ClockRules clockRules;
    private final ZoneId zone;

    /** For a door addressed by exactly {@code audience} (tools and tests). */
    public AccessTokenVerifier(
            String audience, TrustStore trustStore, ClockRules clockRules, ZoneId zone) {
        this(Audience.of(audience), trustStore, clockRules, zone);
    }

    public AccessTokenVerifier(
            Audience audience, TrustStore trustStore, ClockRules clockRules, ZoneId zone) {
        this.audience = Objects.requireNonNull(audience);
        this.trustStore = Objects.requireNonNull(trustStore);
        this.clockRules = Objects.requireNonNull(clockRules);
        this.zone = Objects.requireNonNull(zone);
    }

    /** Whether the trust store holds this key id (cheap; no verification). */
    public boolean trusts(String kid) {
        return trustStore.find(kid).isPresent();
    }

    /** Parses and verifies a token text. */
    public VerifiedAccess verify(String text, ClockReading clock, RevocationLists revocations)
            throws TokenRejectedException {
        return verify(SignedToken.accessToken(text), clock, revocations);
    }

    /**
     * @param clock the door's clock now, and whether it is trusted
     * @param revocations the installed revocation list
     */
    public VerifiedAccess verify(SignedToken token, ClockReading clock, RevocationLists revocations)
            throws TokenRejectedException {
        TrustedIssuer issuer = token.signer(trustStore);
        AccessClaims claims;
        try {
            claims = AccessClaims.parse(token.payload());
        } catch (TokenRejectedException e) {
            throw e.signedBy(issuer, null);
        }
        try {
            checkRules(issuer, claims, clock, revocations);
        } catch (TokenRejectedException e) {
            throw e.signedBy(issuer, claims);
        }
        return new VerifiedAccess(issuer, claims);
    }

    private void checkRules(
            TrustedIssuer issuer,
            AccessClaims claims,
            ClockReading clock,
            RevocationLists revocations)
            throws TokenRejectedException {
        if (revocations.revokesKey(issuer.kid())) {
            throw new TokenRejectedException(REVOKED, "key '" + issuer.name() + "' is revoked");
        }
        if (!audience.matches(claims.audience())) {
            throw audience.wrong("token", claims.audience());
        }
        if (revocations.revokesToken(issuer.kid(), claims.tokenId())) {
            throw new TokenRejectedException(REVOKED, "token " + claims.tokenId() + " is revoked");
        }
        IssuerPolicy policy = issuer.policy();
        if (revocations.unreadableFor(issuer.kid())
                && !(claims.role() == Role.OWNER && policy.isOwner())) {
            throw new TokenRejectedException(
                    REVOKED,
                    "the door's revocation list cannot be read, so what it revoked is unknown:"
                            + " only owner tokens until a list is installed again (latchkey"
                            + " revoke --resign)");
        }
        if (!policy.maySign(claims.role())) {
            throw new TokenRejectedException(
                    ROLE_NOT_ALLOWED,
                    "key '"
                            + issuer.name()
                            + "' may not grant the role "
                            + claims.role().wireName());
        }
        if (policy.onceOnly() && claims.use() != Use.ONCE) {
            throw new TokenRejectedException(
                    USE_NOT_ALLOWED, "key '" + issuer.name() + "' may issue only once tokens");
        }
        if (claims.window().compareTo(policy.maxWindow()) > 0) {
            throw new TokenRejectedException(
                    WINDOW_TOO_LONG,
                    "window of "
                            + (claims.window().toNanosPart() % 1_000_000 == 0
                                    ? ""
                                    : "more than ") // below what the short form shows
                            + org.latchkey.config.Durations.format(claims.window())
                            + " is longer than the "
                            + org.latchkey.config.Durations.format(policy.maxWindow())
                            + " key '"
                            + issuer.name()
                            + "' may grant");
        }
        Instant now = clock.now();
        switch (clock) {
            case ClockReading.Untrusted u
                    when clockRules.rolesNeedingTrustedClock().contains(claims.role()) ->
                    throw new TokenRejectedException(
                            CLOCK_UNTRUSTED,
                            "the door's clock is not trusted ("
                                    + u.why()
                                    + "), so "
                                    + claims.role().wireName()
                                    + " tokens are refused");
            case ClockReading.Untrusted
                            u -> {} // roles that may enter on an untrusted clock: iat says nothing
            // here
            case ClockReading.Trusted t -> {
                // A trusted clock is the better witness: a token issued ahead of it is refused, and
                // never moves it.
                if (claims.issuedAt().isAfter(now.plus(clockRules.skew()))) {
                    throw new TokenRejectedException(
                            NOT_YET_VALID,
                            "issued at "
                                    + Rfc3339.format(claims.issuedAt())
                                    + ", ahead of the door's trusted clock ("
                                    + Rfc3339.format(now)
                                    + ")");
                }
            }
        }
        if (now.isBefore(claims.notBefore().minus(clockRules.skew()))) {
            throw new TokenRejectedException(
                    NOT_YET_VALID, "valid from " + readable(claims.notBefore()));
        }
        // A once token's expiry against the latest time known to have passed (the floor and the
        // compaction horizon, when the clock reads earlier): setting the clock back never revives
        // one whose record may be gone. A window token's against the clock (ClockReading).
        if (!clock.expiryClock(claims.use()).isBefore(claims.expires().plus(clockRules.skew()))) {
            throw new TokenRejectedException(EXPIRED, "expired at " + readable(claims.expires()));
        }
        if (policy.hours().isPresent()
                && !policy.hours().get().contains(LocalDateTime.ofInstant(now, zone))) {
            throw new TokenRejectedException(
                    OUTSIDE_HOURS,
                    "key '"
                            + issuer.name()
                            + "' tokens are valid only "
                            + policy.hours().get()
                            + " ("
                            + zone
                            + ")");
        }
        // The pass's own schedule, in the same zone: both it and its key's hours must allow now.
        if (claims.hours().isPresent()
                && !claims.hours().get().contains(LocalDateTime.ofInstant(now, zone))) {
            throw new TokenRejectedException(
                    OUTSIDE_HOURS,
                    "this pass is valid only " + claims.hours().get() + " (" + zone + ")");
        }
    }

    /**
     * A time in a refusal, as the door's people read it (its zone, as on the door card) and as the
     * instant itself: {@code 2026-12-09 09:00 +01:00 (Europe/Berlin; 2026-12-09T08:00:00Z)}.
     */
    private String readable(Instant t) {
        java.time.ZonedDateTime local = t.atZone(zone);
        String shown =
                java.time.format.DateTimeFormatter.ofPattern(
                                local.getSecond() == 0
                                        ? "uuuu-MM-dd HH:mm xxx"
                                        : "uuuu-MM-dd HH:mm:ss xxx")
                        .format(local);
        return shown + " (" + zone.getId() + "; " + Rfc3339.format(t) + ")";
    }
}
