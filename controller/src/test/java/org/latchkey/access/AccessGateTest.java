package org.latchkey.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.assembly.DoorAssembly;
import org.latchkey.door.Alarm;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.Mode;
import org.latchkey.door.Outcome;
import org.latchkey.store.Storage;
import org.latchkey.testing.TestDoor;
import org.latchkey.testing.VirtualDoor;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.Role;
import org.latchkey.token.Use;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gate in front of the door, wired as latchkeyd wires it (the assembly), on virtual time with
 * Mockito at the hardware boundary: verification, the clock rules, the one-time pre-check, rate
 * limiting and the refusal rule.
 */
class AccessGateTest {
    private static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");

    @TempDir Path dir;

    VirtualDoor door;
    AccessGate gate;
    List<AuditRecord> records;

    private void start(boolean synced) throws Exception {
        TestDoor.config()
                .set("state_dir = \"state\"")
                .table("[api]\nrejections_per_second = 2")
                .write(dir);
        door = new VirtualDoor(dir, Storage.REAL, NOW, synced);
        gate = door.assembly.gate();
        records = door.records;
        assertEquals("LOCKED", door.model().stateName());
    }

    private Outcome present(String token, String client) throws Exception {
        return door.present(token, client);
    }

    private static String token(Role role, Use use, Instant iat) {
        return AccessTokens.issue(
                role == Role.OWNER ? TestDoor.OWNER : TestDoor.COURIER,
                new AccessClaims(
                        "t",
                        TestDoor.DOOR_ID,
                        "gate-" + System.nanoTime(),
                        iat,
                        NOW.minusSeconds(60),
                        NOW.plus(Duration.ofHours(1)),
                        use,
                        role,
                        "s"));
    }

    private long count(Class<? extends AuditRecord> type) {
        return door.recorded(type).size();
    }

    @Test
    void clockNotSynchronised_refusesCourier_admitsOwner_raisesAlarm() throws Exception {
        start(false);
        assertTrue(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
        assertEquals(
                RejectionReason.CLOCK_UNTRUSTED,
                present(token(Role.DELIVERY, Use.ONCE, NOW), "127.0.0.1").refusal().orElseThrow());
        assertTrue(present(token(Role.OWNER, Use.WINDOW, NOW), "127.0.0.1").granted());
    }

    @Test
    void tokenIssuedFarAhead_isRefused_andCannotPoisonTheClock() throws Exception {
        start(true);
        // An owner token "issued" in 9999: before, the door distrusted its own clock until restart.
        assertEquals(
                RejectionReason.NOT_YET_VALID,
                present(
                                token(
                                        Role.OWNER,
                                        Use.WINDOW,
                                        Instant.parse("9999-12-31T00:00:00Z")),
                                "127.0.0.1")
                        .refusal()
                        .orElseThrow());
        assertFalse(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
        assertTrue(
                present(token(Role.DELIVERY, Use.ONCE, NOW), "127.0.0.1").granted(),
                "couriers still get in");
    }

    @Test
    void aTokenWithSpacesOrASecondLineEnd_isMalformed_byOneRuleForEveryWayIn() throws Exception {
        // Finding 8 of the third review: MQTT stripped whitespace that HTTP refused.
        start(true);
        String t = token(Role.DELIVERY, Use.WINDOW, NOW);
        for (String text : List.of(" " + t, "\n" + t, t + "\n\n", t + " ", t + "\r\n\r\n")) {
            for (String client : List.of("127.0.0.1", "scanner", "mqtt")) {
                assertEquals(
                        RejectionReason.MALFORMED,
                        present(text, client).refusal().orElseThrow(),
                        client + " " + text.replace("\n", "\\n"));
            }
        }
        verify(door.bolt, never()).unlock();
        assertTrue(present(t + "\r\n", "scanner").granted(), "one line end is a scanner's");
    }

    @Test
    void usedOnceToken_isRefusedBeforeTheDoor_andNothingMoves() throws Exception {
        start(true);
        String t = token(Role.DELIVERY, Use.ONCE, NOW);
        assertTrue(present(t, "127.0.0.1").granted());
        verify(door.bolt, times(1)).unlock();
        assertEquals(RejectionReason.ALREADY_USED, present(t, "127.0.0.1").refusal().orElseThrow());
        verify(door.bolt, times(1)).unlock();
    }

    @Test
    void flood_isRateLimitedAndSummarised_validTokenFromTheSameClientStillChecked()
            throws Exception {
        start(true);
        int limited = 0;
        for (int i = 0; i < 100; i++) {
            if (present("garbage-" + i, "10.0.0.9").refusal().orElseThrow()
                    == RejectionReason.RATE_LIMITED) {
                limited++;
            }
        }
        assertEquals(90, limited, "a burst of 5 × 2/s, then 429s");
        verify(door.bolt, never()).unlock(); // the flood moved nothing
        assertTrue(present(token(Role.DELIVERY, Use.ONCE, NOW), "10.0.0.9").granted());
        verify(door.bolt).unlock();
        door.advance(DoorAssembly.SUMMARY_PERIOD);
        assertTrue(
                records.contains(
                        new AuditRecord.RefusalsSummary(
                                DoorAssembly.SUMMARY_PERIOD.toSeconds(),
                                Map.of(
                                        RejectionReason.MALFORMED,
                                        10L,
                                        RejectionReason.RATE_LIMITED,
                                        90L))),
                records.toString());
        assertEquals(0, count(AuditRecord.Refused.class), "garbage is never audited one by one");
    }

    @Test
    void signedButRefusedReplays_costOneRecord_areCharged_thenAnsweredWithoutWork()
            throws Exception {
        start(true);
        AccessClaims c =
                new AccessClaims(
                        "t",
                        TestDoor.DOOR_ID,
                        "expired-000000000001",
                        NOW.minusSeconds(7200),
                        NOW.minusSeconds(7200),
                        NOW.minusSeconds(3600),
                        Use.ONCE,
                        Role.DELIVERY,
                        "s");
        String expired = AccessTokens.issue(TestDoor.COURIER, c);
        List<RejectionReason> answers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            answers.add(present(expired, "10.0.0.7").refusal().orElseThrow());
        }
        assertEquals(RejectionReason.EXPIRED, answers.get(0));
        assertEquals(
                10,
                answers.stream().filter(r -> r == RejectionReason.EXPIRED).count(),
                "charged: burst of 10");
        assertEquals(990, answers.stream().filter(r -> r == RejectionReason.RATE_LIMITED).count());
        assertEquals(
                1,
                count(AuditRecord.Refused.class),
                "one record for the token, however often it comes back");
        door.advance(DoorAssembly.SUMMARY_PERIOD);
        assertTrue(
                records.contains(
                        new AuditRecord.RefusalsSummary(
                                DoorAssembly.SUMMARY_PERIOD.toSeconds(),
                                Map.of(
                                        RejectionReason.EXPIRED,
                                        9L,
                                        RejectionReason.RATE_LIMITED,
                                        990L))),
                records.toString());
        // Another client with a fresh token is not affected.
        assertTrue(present(token(Role.DELIVERY, Use.ONCE, NOW), "10.0.0.8").granted());
    }

    @Test
    void doorRefusalsOfARepeatedToken_areCountedNotAudited() throws Exception {
        start(true);
        String owner = token(Role.OWNER, Use.WINDOW, NOW);
        assertTrue(door.changeMode(Mode.PRIVACY, owner, "127.0.0.1").granted());
        door.controller().processPending();
        String courier = token(Role.DELIVERY, Use.WINDOW, NOW);
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    RejectionReason.MODE_DENIES,
                    present(courier, "10.0.0.5").refusal().orElseThrow());
        }
        assertEquals(
                1,
                count(AuditRecord.Refused.class),
                "the door audits the first; the gate counts the rest");
        door.advance(DoorAssembly.SUMMARY_PERIOD);
        assertTrue(
                records.contains(
                        new AuditRecord.RefusalsSummary(
                                DoorAssembly.SUMMARY_PERIOD.toSeconds(),
                                Map.of(RejectionReason.MODE_DENIES, 4L))),
                records.toString());
    }

    @Test
    void modeChange_needsAnOwnerToken_andAConsumedOnceTokenNoLongerCounts() throws Exception {
        start(true);
        assertEquals(
                RejectionReason.ROLE_NOT_ALLOWED,
                door.changeMode(Mode.PRIVACY, token(Role.DELIVERY, Use.WINDOW, NOW), "127.0.0.1")
                        .refusal()
                        .orElseThrow());
        String once = token(Role.OWNER, Use.ONCE, NOW);
        assertTrue(
                present(once, "127.0.0.1").granted(), "the owner's once token opens the door once");
        assertEquals(
                RejectionReason.ALREADY_USED,
                door.changeMode(Mode.PRIVACY, once, "127.0.0.1").refusal().orElseThrow(),
                "and is spent after that");
        door.controller().processPending();
        assertEquals(Mode.NORMAL, door.model().mode());
        String fresh = token(Role.OWNER, Use.ONCE, NOW);
        assertTrue(door.changeMode(Mode.PRIVACY, fresh, "127.0.0.1").granted());
        door.controller().processPending();
        assertEquals(Mode.PRIVACY, door.model().mode());
        assertEquals(
                RejectionReason.ALREADY_USED,
                present(fresh, "127.0.0.1").refusal().orElseThrow(),
                "a once token that changed the mode is used");
    }
}
