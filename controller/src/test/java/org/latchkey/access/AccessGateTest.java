package org.latchkey.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.door.Alarm;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorSettings;
import org.latchkey.door.Outcome;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.Camera;
import org.latchkey.hal.Deadbolt;
import org.latchkey.hal.DoorContact;
import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.DoorState;
import org.latchkey.hal.HardwareEvent;
import org.latchkey.hal.ManualScheduler;
import org.latchkey.daemon.DaemonFixture;
import org.latchkey.store.AuditLog;
import org.latchkey.store.RevocationStore;
import org.latchkey.store.OneTimeStore;
import org.latchkey.store.TimeFloor;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokenVerifier;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.ClockRules;
import org.latchkey.token.IssuerPolicy;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.RevocationListVerifier;
import org.latchkey.token.Role;
import org.latchkey.token.TrustStore;
import org.latchkey.token.TrustedIssuer;
import org.latchkey.token.Use;

/** The gate in front of the door: clock trust, the one-time pre-check, rate limiting, summaries. */
class AccessGateTest {
    private static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");

    @TempDir
    Path state;

    final ManualScheduler scheduler = new ManualScheduler();
    final Deadbolt bolt = mock(Deadbolt.class);
    final DoorHardware hw = mock(DoorHardware.class);
    final RejectionSummary summary = new RejectionSummary();
    DoorController door;
    Thread loop;
    AccessGate gate;

    private AccessGate gate(boolean synced) throws Exception {
        when(hw.bolt()).thenReturn(bolt);
        DoorContact contact = mock(DoorContact.class);
        when(contact.state()).thenReturn(DoorState.CLOSED);
        when(hw.contact()).thenReturn(contact);
        when(hw.camera()).thenReturn(mock(Camera.class));
        when(bolt.position()).thenReturn(BoltPosition.LOCKED);
        TrustStore trust = TrustStore.of(List.of(
                new TrustedIssuer("owner", DaemonFixture.OWNER.publicKey(),
                        new IssuerPolicy(EnumSet.of(Role.OWNER), Duration.ofDays(30), Optional.empty(), false)),
                new TrustedIssuer("parcel-co", DaemonFixture.COURIER.publicKey(),
                        new IssuerPolicy(EnumSet.of(Role.DELIVERY), Duration.ofHours(4), Optional.empty(), false))));
        InstantSource clock = InstantSource.fixed(NOW);
        TimeFloor floor = TimeFloor.open(state);
        OneTimeStore store = OneTimeStore.open(state, floor.get(), Duration.ofSeconds(60));
        AuditLog audit = AuditLog.open(state, 1 << 20, clock, e -> { throw new AssertionError(e); });
        door = new DoorController(DoorSettings.DEFAULTS, scheduler, store, audit, clock);
        loop = Thread.ofPlatform().start(() -> {
            try {
                door.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        door.start(hw);
        door.onEvent(new HardwareEvent.BoltSettled(BoltPosition.LOCKED));
        Path flag = state.resolve("synchronized");
        if (synced) {
            java.nio.file.Files.createFile(flag);
        }
        ClockTrust trust2 = new ClockTrust(clock, floor, flag, false, Duration.ofSeconds(60));
        AccessTokenVerifier tokens = new AccessTokenVerifier("front-door", trust, ClockRules.DEFAULT, ZoneOffset.UTC, clock);
        gate = new AccessGate(() -> tokens, door,
                store, RevocationStore.open(state, new RevocationListVerifier("front-door", trust)), trust2,
                new RateLimiter(2, scheduler::elapsed), summary, Duration.ofSeconds(5));
        return gate;
    }

    @AfterEach
    void stopLoop() {
        if (loop != null) {
            loop.interrupt();
        }
    }

    private static String token(Role role, Use use, Instant iat) {
        return AccessTokens.issue(role == Role.OWNER ? DaemonFixture.OWNER : DaemonFixture.COURIER,
                new AccessClaims("t", "front-door", "gate-" + System.nanoTime(), iat, NOW.minusSeconds(60),
                        NOW.plus(Duration.ofHours(1)), use, role, "s"));
    }

    private void awaitLocked() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!door.model().stateName().equals("LOCKED") && System.nanoTime() < end) {
            Thread.sleep(5);
        }
    }

    @Test
    void clockNotSynchronised_refusesCourier_admitsOwner_raisesAlarm() throws Exception {
        gate(false);
        awaitLocked();
        Outcome courier = gate.present(token(Role.DELIVERY, Use.ONCE, NOW), "127.0.0.1");
        assertEquals(RejectionReason.CLOCK_UNTRUSTED, courier.refusal().orElseThrow());
        assertTrue(gate.present(token(Role.OWNER, Use.WINDOW, NOW), "127.0.0.1").granted());
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED) && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertTrue(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
    }

    @Test
    void tokenIssuedFarAhead_makesTheClockUntrusted_forLaterCouriers() throws Exception {
        gate(true);
        awaitLocked();
        // An owner token issued an hour "in the future": the door's clock must be behind.
        assertTrue(gate.present(token(Role.OWNER, Use.WINDOW, NOW.plus(Duration.ofHours(1))), "127.0.0.1").granted());
        Outcome courier = gate.present(token(Role.DELIVERY, Use.ONCE, NOW), "127.0.0.1");
        assertEquals(RejectionReason.CLOCK_UNTRUSTED, courier.refusal().orElseThrow());
    }

    @Test
    void usedOnceToken_isRefusedBeforeTheDoor_andNothingMoves() throws Exception {
        gate(true);
        awaitLocked();
        String t = token(Role.DELIVERY, Use.ONCE, NOW);
        assertTrue(gate.present(t, "127.0.0.1").granted());
        assertEquals(RejectionReason.ALREADY_USED, gate.present(t, "127.0.0.1").refusal().orElseThrow());
    }

    @Test
    void flood_isRateLimitedAndSummarised_validTokenFromTheSameClientStillChecked() throws Exception {
        gate(true);
        awaitLocked();
        int limited = 0;
        for (int i = 0; i < 100; i++) {
            if (gate.present("garbage-" + i, "10.0.0.9").refusal().orElseThrow() == RejectionReason.RATE_LIMITED) {
                limited++;
            }
        }
        assertEquals(90, limited, "a burst of 5 × 2/s, then 429s");
        assertEquals(java.util.Map.of("MALFORMED", 10L, "RATE_LIMITED", 90L), summary.drain());
        verify(bolt, never()).unlock(); // the flood moved nothing
        assertTrue(gate.present(token(Role.DELIVERY, Use.ONCE, NOW), "10.0.0.9").granted());
        verify(bolt).unlock();
    }
}
