package org.latchkey.fuzz;

import org.latchkey.testing.TestDoor;
import org.latchkey.token.AccessTokenVerifier;
import org.latchkey.token.Audience;
import org.latchkey.token.ClockReading;
import org.latchkey.token.ClockRules;
import org.latchkey.token.IssuerPolicy;
import org.latchkey.token.RevocationList;
import org.latchkey.token.RevocationListVerifier;
import org.latchkey.token.RevocationLists;
import org.latchkey.token.Role;
import org.latchkey.token.TrustStore;
import org.latchkey.token.TrustedIssuer;
import org.latchkey.token.WeeklyHours;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The door every fuzz target checks against: TestDoor's keys, a courier key with hours, a fixed
 * trusted clock.
 */
final class FuzzDoor {
    static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");
    static final TrustStore TRUST =
            TrustStore.of(
                    List.of(
                            new TrustedIssuer(
                                    "owner",
                                    TestDoor.OWNER.publicKey(),
                                    new IssuerPolicy(
                                            EnumSet.of(Role.OWNER),
                                            Duration.ofDays(30),
                                            Optional.empty(),
                                            false)),
                            new TrustedIssuer(
                                    "parcel-co",
                                    TestDoor.COURIER.publicKey(),
                                    new IssuerPolicy(
                                            EnumSet.of(Role.DELIVERY),
                                            Duration.ofHours(4),
                                            Optional.of(WeeklyHours.parse("Mon-Sat 08:00-20:00")),
                                            false))));

    /** The fuzz door: addressed by its door id; its lock_id a name that earns a hint. */
    static final Audience AUDIENCE = new Audience(Optional.of(TestDoor.DOOR_ID), TestDoor.LOCK);

    static final java.time.ZoneId ZONE = ZoneOffset.UTC;

    static final AccessTokenVerifier TOKENS =
            new AccessTokenVerifier(AUDIENCE, TRUST, ClockRules.DEFAULT, ZONE);
    static final RevocationListVerifier LISTS =
            new RevocationListVerifier(AUDIENCE, Optional.of("fleet-7"), TRUST);
    static final ClockReading CLOCK = new ClockReading.Trusted(NOW);
    static final RevocationLists REVOKED =
            RevocationLists.NONE.with(
                    new RevocationList(
                            RevocationList.Scope.LOCK,
                            3,
                            NOW,
                            Set.of(TestDoor.COURIER.publicKey().pid() + "/revoked-0000000001"),
                            Set.of(),
                            ""));

    private FuzzDoor() {}
}
