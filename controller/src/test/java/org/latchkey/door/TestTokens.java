package org.latchkey.door;

import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokenVerifier;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.ClockReading;
import org.latchkey.token.ClockRules;
import org.latchkey.token.IssuerPolicy;
import org.latchkey.token.RevocationLists;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.TokenRejectedException;
import org.latchkey.token.TrustStore;
import org.latchkey.token.TrustedIssuer;
import org.latchkey.token.Use;
import org.latchkey.token.VerifiedAccess;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/** Real, verified tokens for the door tests: an owner and a courier company. */
final class TestTokens {
    static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");
    static final SigningKey OWNER = SigningKey.fromSeed(seed(11));
    static final SigningKey COURIER = SigningKey.fromSeed(seed(12));
    static final TrustStore TRUST =
            TrustStore.of(
                    List.of(
                            new TrustedIssuer(
                                    "owner",
                                    OWNER.publicKey(),
                                    new IssuerPolicy(
                                            EnumSet.of(Role.OWNER),
                                            Duration.ofDays(30),
                                            Optional.empty(),
                                            false)),
                            new TrustedIssuer(
                                    "parcel-co",
                                    COURIER.publicKey(),
                                    new IssuerPolicy(
                                            EnumSet.of(Role.DELIVERY),
                                            Duration.ofHours(4),
                                            Optional.empty(),
                                            false))));
    static final AccessTokenVerifier VERIFIER =
            new AccessTokenVerifier("front-door", TRUST, ClockRules.DEFAULT, ZoneOffset.UTC);

    private static int counter;

    private TestTokens() {}

    private static byte[] seed(int n) {
        byte[] s = new byte[32];
        s[0] = (byte) n;
        return s;
    }

    static String text(SigningKey key, Role role, Use use) {
        counter++;
        return AccessTokens.issue(
                key,
                new AccessClaims(
                        "test",
                        "front-door",
                        String.format("token-%012d", counter),
                        NOW,
                        NOW.minusSeconds(60),
                        NOW.plus(Duration.ofHours(2)),
                        use,
                        role,
                        "subject " + counter));
    }

    static VerifiedAccess verified(String text) {
        try {
            return VERIFIER.verify(text, new ClockReading.Trusted(NOW), RevocationLists.NONE);
        } catch (TokenRejectedException e) {
            throw new IllegalStateException(e);
        }
    }

    static VerifiedAccess courierOnce() {
        return verified(text(COURIER, Role.DELIVERY, Use.ONCE));
    }

    static VerifiedAccess courierWindow() {
        return verified(text(COURIER, Role.DELIVERY, Use.WINDOW));
    }

    static VerifiedAccess ownerOnce() {
        return verified(text(OWNER, Role.OWNER, Use.ONCE));
    }

    static VerifiedAccess ownerWindow() {
        return verified(text(OWNER, Role.OWNER, Use.WINDOW));
    }
}
