package org.latchkey.token;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/** A door "front-door" trusting an owner key and a delivery company's key, at a fixed time. */
final class Fixture {
    static final String LOCK = "front-door";
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    /** A Wednesday, 10:00 in Berlin. */
    static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");

    static final SigningKey OWNER = SigningKey.fromSeed(seed(1));
    static final SigningKey COURIER = SigningKey.fromSeed(seed(2));
    static final SigningKey STRANGER = SigningKey.fromSeed(seed(3));

    static final TrustedIssuer OWNER_ISSUER =
            new TrustedIssuer(
                    "owner",
                    OWNER.publicKey(),
                    new IssuerPolicy(
                            EnumSet.of(Role.OWNER), Duration.ofDays(30), Optional.empty(), false));
    static final TrustedIssuer COURIER_ISSUER =
            new TrustedIssuer(
                    "parcel-co",
                    COURIER.publicKey(),
                    new IssuerPolicy(
                            EnumSet.of(Role.DELIVERY),
                            Duration.ofHours(4),
                            Optional.of(WeeklyHours.parse("Mon-Sat 08:00-20:00")),
                            true));
    static final TrustStore TRUST = TrustStore.of(List.of(OWNER_ISSUER, COURIER_ISSUER));

    private Fixture() {}

    static byte[] seed(int n) {
        byte[] s = new byte[32];
        s[0] = (byte) n;
        s[31] = (byte) (n * 7);
        return s;
    }

    static final AccessTokenVerifier VERIFIER =
            new AccessTokenVerifier(LOCK, TRUST, ClockRules.DEFAULT, ZONE);

    /** Verifies as the door would with a trusted clock reading {@code now} and nothing revoked. */
    static VerifiedAccess verifyAt(String token, Instant now) throws TokenRejectedException {
        return VERIFIER.verify(token, new ClockReading.Trusted(now), RevocationLists.NONE);
    }

    static RevocationLists lockList(
            long seq, java.util.Set<String> jtis, java.util.Set<String> kids) {
        return RevocationLists.NONE.with(
                new RevocationList(RevocationList.Scope.LOCK, seq, NOW, jtis, kids, ""));
    }

    /** A courier's once token, valid 09:00–11:00 UTC today. */
    static AccessClaims courierClaims() {
        return new AccessClaims(
                "parcel-co",
                LOCK,
                "order-0000000000001",
                NOW.minusSeconds(600),
                NOW.minusSeconds(0),
                NOW.plus(Duration.ofHours(2)),
                Use.ONCE,
                Role.DELIVERY,
                "courier 42");
    }

    static AccessClaims ownerClaims() {
        return new AccessClaims(
                "home",
                LOCK,
                "owner-000000000000001",
                NOW,
                NOW,
                NOW.plus(Duration.ofDays(1)),
                Use.WINDOW,
                Role.GUEST,
                "cleaner");
    }

    static String courierToken() {
        return AccessTokens.issue(COURIER, courierClaims());
    }
}
