package org.latchkey.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.api.StatusJson;
import org.latchkey.assembly.DoorAssembly;
import org.latchkey.door.Alarm;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.Outcome;
import org.latchkey.store.OneTimeStore;
import org.latchkey.store.Storage;
import org.latchkey.store.TimeFloor;
import org.latchkey.testing.TestDoor;
import org.latchkey.testing.VirtualDoor;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.ClockResetVerifier;
import org.latchkey.token.Json;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.Use;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the clock must guarantee (docs/assurance.md, the clock), shown on the whole door as
 * latchkeyd wires it, on virtual time, with the wall clock stepped both ways while the boot clock
 * runs on: the third review's findings 3, 4 and 9 replayed, and the ways back.
 */
class ClockGuaranteesTest {
    private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");
    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir Path dir;

    private VirtualDoor start() throws Exception {
        TestDoor.config().set("state_dir = \"state\"").write(dir);
        return new VirtualDoor(dir, Storage.REAL, T0, true);
    }

    private Path state(String file) {
        return dir.resolve("state").resolve(file);
    }

    /** A token minted by an issuer whose clock is right. */
    private static String token(VirtualDoor door, Role role, Use use, Duration validFor) {
        SigningKey key = role == Role.DELIVERY ? TestDoor.COURIER : TestDoor.OWNER;
        return TestDoor.token(key, role, use, door.trueNow(), validFor);
    }

    private static RejectionReason refusal(Outcome o) {
        return o.refusal().orElseThrow(() -> new AssertionError("granted"));
    }

    private static Outcome present(VirtualDoor door, String token) throws Exception {
        Outcome o = door.present(token, "127.0.0.1");
        if (o.granted()) {
            door.unlockAndRelock();
        }
        return o;
    }

    /** An owner's statement that the time is true now (as `latchkey clock reset` signs it). */
    static String clockReset(Instant now, String aud, SigningKey key) {
        ObjectNode o = Json.object();
        o.put("typ", ClockResetVerifier.TYPE);
        o.put("aud", aud);
        o.put("jti", "clock-reset-" + String.format("%08d", IDS.incrementAndGet()));
        o.put("iat", now.toString());
        o.put("exp", now.plus(Duration.ofMinutes(5)).toString());
        return AccessTokens.sign(key, Json.write(o).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean trustedPerStatus(VirtualDoor door) {
        return StatusJson.of(door.model(), false, "config")
                .path("clock")
                .path("trusted")
                .asBoolean();
    }

    @Test
    void forwardJumpOfASynchronisedClock_isUntrustedAtOnce_andLosingTheFloorReopensNothing()
            throws Exception {
        // Finding 3 of the third review: once tokens A (owner) and B (guest) used; the clock set
        // two days ahead moved the floor and compaction dropped both; back, `rm time-floor` and a
        // restart trusted the clock again, and B opened a second time.
        VirtualDoor door = start();
        String a = token(door, Role.OWNER, Use.ONCE, Duration.ofHours(1));
        String b = token(door, Role.GUEST, Use.ONCE, Duration.ofHours(1));
        assertTrue(present(door, a).granted());
        assertTrue(present(door, b).granted());
        Instant floorBefore = door.assembly.clock().floor();
        door.stepClock(Duration.ofDays(2));
        door.advance(DoorAssembly.CLOCK_WATCH_PERIOD);
        assertTrue(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED), "at once");
        assertFalse(trustedPerStatus(door));
        door.advance(DoorAssembly.UPKEEP_PERIOD.multipliedBy(2));
        assertFalse(door.assembly.clock().floor().isAfter(door.trueNow()), "the floor stayed");
        assertEquals(2, door.assembly.store().size(), "nothing compacted");
        assertTrue(door.recorded(AuditRecord.OnceCompacted.class).isEmpty());
        door.stepClock(Duration.ofDays(-2));
        door.advance(DoorAssembly.CLOCK_WATCH_PERIOD);
        assertFalse(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED), "right again");
        assertTrue(floorBefore.isBefore(door.trueNow().plusSeconds(1)));

        // The attack's recovery: the floor removed by hand, the door restarted.
        door.stop();
        Files.delete(state(TimeFloor.FILE));
        door = new VirtualDoor(dir, Storage.REAL, door.trueNow(), true, door.bootTime());
        assertTrue(door.model().alarms().contains(Alarm.STATE_DAMAGED));
        assertTrue(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
        assertEquals(RejectionReason.CLOCK_UNTRUSTED, refusal(present(door, b)));
        assertEquals(RejectionReason.ALREADY_USED, refusal(present(door, a)));
        // The documented way back: the owner vouches for the time.
        Outcome reset =
                door.assembly
                        .gate()
                        .resetClock(
                                clockReset(door.now(), TestDoor.DOOR_ID, TestDoor.OWNER), "cli");
        assertTrue(reset.granted(), reset.detail());
        door.advance(DoorAssembly.CLOCK_WATCH_PERIOD);
        assertFalse(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
        assertEquals(RejectionReason.ALREADY_USED, refusal(present(door, b)));
        assertEquals(1, door.recorded(AuditRecord.ClockReset.class).size());
    }

    @Test
    void aDamagedFloor_besideHistory_isDamage_notAFirstStart() throws Exception {
        VirtualDoor door = start();
        String b = token(door, Role.GUEST, Use.ONCE, Duration.ofHours(1));
        assertTrue(present(door, b).granted());
        door.stop();
        Files.writeString(state(TimeFloor.FILE), "yesterday\n");
        door = new VirtualDoor(dir, Storage.REAL, door.trueNow(), true, door.bootTime());
        assertTrue(door.model().alarms().contains(Alarm.STATE_DAMAGED));
        assertTrue(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
        // Set aside and so missing at the next start: still damage, never a first start.
        door = door.restart();
        assertTrue(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
        assertEquals(RejectionReason.CLOCK_UNTRUSTED, refusal(present(door, b)));
    }

    @Test
    void aOneTimeStoreLostOrPutBackFromABackup_theAuditLogKeepsItsGrantsUsed() throws Exception {
        VirtualDoor door = start();
        String a = token(door, Role.DELIVERY, Use.ONCE, Duration.ofHours(2));
        String b = token(door, Role.DELIVERY, Use.ONCE, Duration.ofHours(2));
        assertTrue(present(door, a).granted());
        Path backup = dir.resolve("once.log.backup");
        Files.copy(state(OneTimeStore.FILE), backup);
        assertTrue(present(door, b).granted());
        door.stop();
        Files.copy(backup, state(OneTimeStore.FILE), StandardCopyOption.REPLACE_EXISTING);
        door = new VirtualDoor(dir, Storage.REAL, door.trueNow(), true, door.bootTime());
        assertTrue(door.model().alarms().contains(Alarm.STATE_DAMAGED), "reported");
        assertEquals(RejectionReason.ALREADY_USED, refusal(present(door, b)));
        door.stop();
        Files.delete(state(OneTimeStore.FILE));
        door = new VirtualDoor(dir, Storage.REAL, door.trueNow(), true, door.bootTime());
        assertEquals(RejectionReason.ALREADY_USED, refusal(present(door, a)));
        assertEquals(RejectionReason.ALREADY_USED, refusal(present(door, b)));
    }

    @Test
    void aCompactedOnceToken_staysExpired_withTheFloorAndTheStoreBothLost_andTheClockSetBack()
            throws Exception {
        VirtualDoor door = start();
        String owner = token(door, Role.OWNER, Use.ONCE, Duration.ofHours(1));
        assertTrue(present(door, owner).granted());
        door.advance(Duration.ofHours(2).plus(OneTimeStore.COMPACTION_LAG));
        assertEquals(0, door.assembly.store().size(), "compacted");
        assertEquals(1, door.recorded(AuditRecord.OnceCompacted.class).size());
        door.stop();
        Files.delete(state(TimeFloor.FILE));
        Files.delete(state(OneTimeStore.FILE));
        // The clock set back into the token's window, a new boot: only the audit log remembers.
        door =
                new VirtualDoor(
                        dir,
                        Storage.REAL,
                        door.trueNow(),
                        true,
                        new org.latchkey.store.BootTime(
                                "00000000-0000-4000-8000-0000000000aa", Duration.ofMinutes(1)),
                        Duration.ofHours(-25).minus(Duration.ofMinutes(50)));
        assertEquals(RejectionReason.EXPIRED, refusal(present(door, owner)));
    }

    @Test
    void aForwardStepLongerThanTheOwnersWindow_locksNobodyOut_onceTheClockIsBack()
            throws Exception {
        // Finding 4: +40 d for 33 s, then back, locked everyone out for 40 days.
        VirtualDoor door = start();
        door.stepClock(Duration.ofDays(40));
        door.advance(Duration.ofSeconds(33));
        assertEquals(
                RejectionReason.CLOCK_UNTRUSTED,
                refusal(present(door, token(door, Role.DELIVERY, Use.ONCE, Duration.ofHours(1)))));
        door.stepClock(Duration.ofDays(-40));
        door.advance(DoorAssembly.CLOCK_WATCH_PERIOD);
        assertFalse(door.assembly.clock().floor().isAfter(door.trueNow()), "never dragged ahead");
        assertTrue(
                present(door, token(door, Role.OWNER, Use.WINDOW, Duration.ofDays(29))).granted());
        assertTrue(
                present(door, token(door, Role.DELIVERY, Use.ONCE, Duration.ofHours(1))).granted());
        door = door.restart();
        assertTrue(present(door, token(door, Role.GUEST, Use.ONCE, Duration.ofHours(1))).granted());
    }

    @Test
    void theClocksAlarm_followsAStepWithinASecond_andTheStatusSaysTheSame() throws Exception {
        // Finding 9: after a backward step, clock.trusted:false with alarms:[] for up to 30 s.
        VirtualDoor door = start();
        door.advance(Duration.ofMinutes(2)); // a floor written
        door.stepClock(Duration.ofHours(-1));
        door.advance(DoorAssembly.CLOCK_WATCH_PERIOD);
        assertTrue(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
        assertFalse(trustedPerStatus(door));
        door.stepClock(Duration.ofHours(1));
        door.advance(DoorAssembly.CLOCK_WATCH_PERIOD);
        assertFalse(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
        assertTrue(trustedPerStatus(door));
    }

    @Test
    void aSpoofedTimeAtBoot_isBoundedByMaxOffline_andAnOwnerResetBringsEveryoneBack()
            throws Exception {
        VirtualDoor door = start();
        String used = token(door, Role.OWNER, Use.ONCE, Duration.ofHours(1));
        assertTrue(present(door, used).granted());
        // A reboot whose time source says 40 days later: believable (a door may be off that long).
        door = door.reboot(Duration.ofMinutes(5), Duration.ofDays(40));
        assertFalse(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
        door.advance(DoorAssembly.UPKEEP_PERIOD);
        assertEquals(0, door.assembly.store().size(), "compacted at the spoofed time");
        // Put right: behind the floor now. Owners still enter; couriers wait for the owner.
        door.stepClock(Duration.ofDays(-40));
        door.advance(DoorAssembly.CLOCK_WATCH_PERIOD);
        assertTrue(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
        assertTrue(
                present(door, token(door, Role.OWNER, Use.WINDOW, Duration.ofHours(2))).granted());
        assertEquals(
                RejectionReason.CLOCK_UNTRUSTED,
                refusal(present(door, token(door, Role.DELIVERY, Use.ONCE, Duration.ofHours(1)))));
        assertTrue(
                door.assembly
                        .gate()
                        .resetClock(clockReset(door.now(), TestDoor.DOOR_ID, TestDoor.OWNER), "cli")
                        .granted());
        door.advance(DoorAssembly.CLOCK_WATCH_PERIOD);
        assertTrue(
                present(door, token(door, Role.DELIVERY, Use.ONCE, Duration.ofHours(1))).granted());
        assertEquals(RejectionReason.EXPIRED, refusal(present(door, used)), "never opens twice");
        // Beyond max_offline (60 days by default), a reboot's clock is not believed.
        door = door.reboot(Duration.ofMinutes(5), Duration.ofDays(90));
        assertTrue(door.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
    }

    @Test
    void aClockReset_isForThisDoor_fromAnOwner_usedOnce_andAgreesWithTheDoorsClock()
            throws Exception {
        VirtualDoor door = start();
        AccessGate gate = door.assembly.gate();
        String reset = clockReset(door.now(), TestDoor.DOOR_ID, TestDoor.OWNER);
        assertTrue(gate.resetClock(reset, "cli").granted());
        assertEquals(RejectionReason.ALREADY_USED, refusal(gate.resetClock(reset, "cli")));
        assertEquals(
                RejectionReason.WRONG_LOCK,
                refusal(
                        gate.resetClock(
                                clockReset(door.now(), "back-door", TestDoor.OWNER), "cli")));
        assertEquals(
                RejectionReason.ROLE_NOT_ALLOWED,
                refusal(
                        gate.resetClock(
                                clockReset(door.now(), TestDoor.DOOR_ID, TestDoor.COURIER),
                                "cli")));
        assertEquals(
                RejectionReason.EXPIRED,
                refusal(
                        gate.resetClock(
                                clockReset(
                                        door.now().minus(Duration.ofHours(1)),
                                        TestDoor.DOOR_ID,
                                        TestDoor.OWNER),
                                "cli")));
        assertEquals(
                RejectionReason.NOT_YET_VALID,
                refusal(
                        gate.resetClock(
                                clockReset(
                                        door.now().plus(Duration.ofHours(1)),
                                        TestDoor.DOOR_ID,
                                        TestDoor.OWNER),
                                "cli")));
        assertEquals(
                RejectionReason.MALFORMED,
                refusal(
                        gate.resetClock(
                                token(door, Role.OWNER, Use.ONCE, Duration.ofMinutes(5)), "cli")),
                "an access token is not a statement of the time");
    }
}
