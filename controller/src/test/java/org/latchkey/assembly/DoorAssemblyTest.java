package org.latchkey.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.audit.AuditVerifier;
import org.latchkey.door.Alarm;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.Mode;
import org.latchkey.door.Outcome;
import org.latchkey.hal.BoltPosition;
import org.latchkey.store.ModeFile;
import org.latchkey.store.OneTimeStore;
import org.latchkey.store.Storage;
import org.latchkey.testing.FaultyStorage;
import org.latchkey.testing.TestDoor;
import org.latchkey.testing.VirtualDoor;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.Use;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The door with its state directory, across restarts and faults: what the daemon does, on virtual
 * time.
 */
class DoorAssemblyTest {
    private static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");

    @TempDir Path dir;

    final FaultyStorage disk = new FaultyStorage();

    @BeforeEach
    void config() throws Exception {
        TestDoor.config().set("state_dir = \"state\"").write(dir);
    }

    private VirtualDoor start(Instant at) throws Exception {
        return new VirtualDoor(dir, disk, at, true);
    }

    private static String token(Role role, Use use, Instant now) {
        return TestDoor.token(
                role == Role.OWNER ? TestDoor.OWNER : TestDoor.COURIER, role, use, now);
    }

    @Test
    void timeFloorAheadOfTheClock_leavesTheOnceStoreWhole_usedTokensStayUsed() throws Exception {
        VirtualDoor door = start(T0);
        String once = token(Role.OWNER, Use.ONCE, T0);
        assertTrue(door.present(once, "127.0.0.1").granted());
        door.unlockAndRelock();
        door.stop();
        long records = Files.readAllLines(dir.resolve("state").resolve(OneTimeStore.FILE)).size();
        // While the door was down, someone (or fake-hwclock) left a time floor two days ahead.
        Files.writeString(
                dir.resolve("state/time-floor"),
                T0.plus(Duration.ofDays(2)).getEpochSecond() + "\n");

        VirtualDoor again = start(T0.plusSeconds(400));
        assertTrue(again.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
        again.advance(
                Duration.ofMinutes(5)); // the upkeep runs: no compaction on an untrusted clock
        assertEquals(
                records,
                Files.readAllLines(dir.resolve("state").resolve(OneTimeStore.FILE)).size());
        // The floor says true time is past the token's expiry: refused before the store is even
        // asked (a clock set back never revives a token).
        assertEquals(
                RejectionReason.EXPIRED, again.present(once, "127.0.0.1").refusal().orElseThrow());
    }

    @Test
    void onceOwnerToken_compactedAway_thenTheClockSetBack_doesNotOpenTwice() throws Exception {
        VirtualDoor door = start(T0);
        String once = token(Role.OWNER, Use.ONCE, T0); // expires at T0 + 1h
        assertTrue(door.present(once, "127.0.0.1").granted());
        door.unlockAndRelock();
        // A trusted clock passes exp + skew, and a day more: compacted.
        door.advance(Duration.ofMinutes(70).plus(OneTimeStore.COMPACTION_LAG));
        assertEquals(0, door.assembly.store().size(), "its record was compacted away");
        door.stop();
        // The clock is set back into the token's window (an RTC reset, a bad NTP answer): owners
        // may still enter on an untrusted clock, but not with a token the floor has seen expire.
        VirtualDoor again = start(T0.plusSeconds(600));
        assertTrue(again.model().alarms().contains(Alarm.CLOCK_UNTRUSTED));
        assertEquals(
                RejectionReason.EXPIRED, again.present(once, "127.0.0.1").refusal().orElseThrow());
        // …and with the floor lost as well: the horizon, kept in once.log and in the audit log,
        // still says so.
        again.stop();
        Files.delete(dir.resolve("state").resolve("time-floor"));
        VirtualDoor third = start(T0.plusSeconds(900));
        assertEquals(
                RejectionReason.EXPIRED, third.present(once, "127.0.0.1").refusal().orElseThrow());
    }

    @Test
    void compaction_dropsOnlyWhatATrustedClockHasLeftBehind() throws Exception {
        VirtualDoor door = start(T0);
        AccessClaims soon =
                new AccessClaims(
                        "t",
                        TestDoor.DOOR_ID,
                        "expires-soon-000001",
                        T0,
                        T0,
                        T0.plus(Duration.ofMinutes(20)),
                        Use.ONCE,
                        Role.DELIVERY,
                        "s");
        assertTrue(door.present(AccessTokens.issue(TestDoor.COURIER, soon), "127.0.0.1").granted());
        door.unlockAndRelock();
        assertTrue(
                door.present(
                                TestDoor.token(
                                        TestDoor.OWNER,
                                        Role.OWNER,
                                        Use.ONCE,
                                        door.now(),
                                        Duration.ofDays(3)),
                                "127.0.0.1")
                        .granted());
        door.unlockAndRelock();
        assertEquals(2, door.assembly.store().size());
        door.advance(Duration.ofMinutes(10).plus(OneTimeStore.COMPACTION_LAG));
        assertEquals(2, door.assembly.store().size(), "exp + skew not yet a day behind the clock");
        door.advance(Duration.ofMinutes(2)); // now it is, on a trusted clock: the upkeep compacts
        assertEquals(1, door.assembly.store().size());
        assertEquals(
                List.of("horizon", "once"),
                Files.readAllLines(dir.resolve("state").resolve(OneTimeStore.FILE)).stream()
                        .map(l -> l.substring(0, l.indexOf(' ')))
                        .toList());
        assertEquals(1, door.recorded(AuditRecord.OnceCompacted.class).size());
    }

    @Test
    void readOnlyStateDirectory_atStart_runsDegraded_ownerOnly_thenRecovers() throws Exception {
        start(T0).stop(); // a door that ran before
        disk.readOnly(true);
        VirtualDoor door = start(T0.plusSeconds(60));
        assertTrue(
                door.model().alarms().contains(Alarm.STORE_UNAVAILABLE),
                door.model().alarms().toString());
        assertEquals(
                RejectionReason.STORE_UNAVAILABLE,
                door.present(token(Role.DELIVERY, Use.WINDOW, door.now()), "127.0.0.1")
                        .refusal()
                        .orElseThrow());
        assertEquals(
                RejectionReason.STORE_UNAVAILABLE,
                door.present(token(Role.OWNER, Use.ONCE, door.now()), "127.0.0.1")
                        .refusal()
                        .orElseThrow());
        assertTrue(
                door.present(token(Role.OWNER, Use.WINDOW, door.now()), "127.0.0.1").granted(),
                "the owner still gets in");
        door.unlockAndRelock();
        disk.readOnly(false);
        door.advance(DoorAssembly.UPKEEP_PERIOD); // the probe writes the count of what was lost
        assertFalse(door.model().alarms().contains(Alarm.STORE_UNAVAILABLE));
        assertTrue(door.present(token(Role.DELIVERY, Use.ONCE, door.now()), "127.0.0.1").granted());
        door.unlockAndRelock();
        door.stop();
        assertTrue(AuditVerifier.verify(dir.resolve("state")).intact());
        assertTrue(
                Files.readString(dir.resolve("state/audit/audit.log"))
                        .contains("\"type\":\"records_lost\""));
    }

    @Test
    void privacyMode_isPersisted_andWinsOverTheConfigAtTheNextStart() throws Exception {
        VirtualDoor door = start(T0);
        assertTrue(
                door.changeMode(Mode.PRIVACY, token(Role.OWNER, Use.WINDOW, T0), "127.0.0.1")
                        .granted());
        door.controller().processPending();
        door.stop();
        VirtualDoor again = start(T0.plusSeconds(60));
        assertEquals(Mode.PRIVACY, again.model().mode());
        assertEquals("persisted", again.assembly.modeSource());
        assertTrue(
                again.records.stream()
                        .anyMatch(
                                r ->
                                        r instanceof AuditRecord.Startup s
                                                && s.mode() == Mode.PRIVACY
                                                && s.modeSource()
                                                        .equals(Optional.of("persisted"))));
        assertEquals(
                RejectionReason.MODE_DENIES,
                again.present(token(Role.DELIVERY, Use.ONCE, again.now()), "127.0.0.1")
                        .refusal()
                        .orElseThrow());
    }

    @Test
    void aModeThatCannotBeSaved_isAnsweredAsNotSaved_privacyHoldsInMemory_normalIsRefused()
            throws Exception {
        // Finding 5 of the third review: 200 {"changed":true} on a read-only state directory, the
        // mode file still said normal, and after kill -9 a delivery token was granted.
        VirtualDoor door = start(T0);
        disk.readOnly(true);
        Outcome privacy =
                door.changeMode(Mode.PRIVACY, token(Role.OWNER, Use.WINDOW, T0), "127.0.0.1");
        assertEquals(RejectionReason.STORE_UNAVAILABLE, privacy.refusal().orElseThrow());
        assertTrue(
                privacy.detail().contains("in effect until the door restarts"), privacy.detail());
        assertEquals(Mode.PRIVACY, door.model().mode(), "fail secure: privacy holds in memory");
        assertTrue(door.model().alarms().contains(Alarm.STORE_UNAVAILABLE));
        assertEquals(
                RejectionReason.MODE_DENIES,
                door.present(token(Role.DELIVERY, Use.ONCE, door.now()), "127.0.0.1")
                        .refusal()
                        .orElseThrow());
        Outcome normal =
                door.changeMode(Mode.NORMAL, token(Role.OWNER, Use.WINDOW, T0), "127.0.0.1");
        assertEquals(RejectionReason.STORE_UNAVAILABLE, normal.refusal().orElseThrow());
        assertEquals(
                Mode.PRIVACY, door.model().mode(), "an unsaved switch to normal is not applied");
        assertFalse(
                Files.exists(dir.resolve("state").resolve(ModeFile.FILE)), "nothing was written");
        // The disk comes back: the upkeep saves the mode in effect, and the alarm clears.
        disk.readOnly(false);
        door.advance(DoorAssembly.UPKEEP_PERIOD);
        assertEquals("privacy\n", Files.readString(dir.resolve("state").resolve(ModeFile.FILE)));
        assertFalse(door.model().alarms().contains(Alarm.STORE_UNAVAILABLE));
        disk.powerCut();
        assertEquals(Mode.PRIVACY, start(T0.plusSeconds(60)).model().mode());
    }

    @Test
    void powerCutRightAfterAModeChange_keepsIt() throws Exception {
        VirtualDoor door = start(T0);
        door.changeMode(Mode.PRIVACY, token(Role.OWNER, Use.WINDOW, T0), "127.0.0.1");
        door.controller().processPending();
        disk.powerCut(); // no shutdown
        assertEquals(Mode.PRIVACY, start(T0.plusSeconds(60)).model().mode());
    }

    @Test
    void damagedState_startsAnyway_raisesStateDamaged_andAuditsWhereItWasKept() throws Exception {
        start(T0).stop();
        Path state = dir.resolve("state");
        Files.writeString(state.resolve("time-floor"), "9223372036854775807\n");
        Files.deleteIfExists(state.resolve(OneTimeStore.FILE));
        Files.createDirectories(state.resolve(OneTimeStore.FILE));
        VirtualDoor door = start(T0.plusSeconds(60));
        assertTrue(
                door.model()
                        .alarms()
                        .containsAll(java.util.Set.of(Alarm.STATE_DAMAGED, Alarm.CLOCK_UNTRUSTED)),
                door.model().alarms().toString());
        var damaged = door.recorded(AuditRecord.StateDamaged.class);
        assertEquals(2, damaged.size(), damaged.toString());
        assertTrue(
                damaged.stream()
                        .anyMatch(
                                d ->
                                        d.file().endsWith("time-floor")
                                                && d.keptAs().contains("time-floor.damaged-")));
        assertTrue(
                damaged.stream()
                        .anyMatch(
                                d ->
                                        d.file().endsWith("once.log")
                                                && d.problem().contains(state.toString())));
        assertEquals(
                RejectionReason.STORE_UNAVAILABLE,
                door.present(token(Role.OWNER, Use.ONCE, door.now()), "127.0.0.1")
                        .refusal()
                        .orElseThrow(),
                "a store that cannot be read refuses once tokens");
        assertTrue(door.present(token(Role.OWNER, Use.WINDOW, door.now()), "127.0.0.1").granted());
    }

    @Test
    void revocationListOfARemovedOwnerKey_staysInForce_flagged_untilANewOwnerSignsTheNext()
            throws Exception {
        VirtualDoor door = start(T0);
        String revoked = token(Role.DELIVERY, Use.ONCE, T0);
        String jti = org.latchkey.token.UnverifiedToken.read(revoked).claims().path("jti").asText();
        String ref = TestDoor.COURIER.publicKey().pid() + "/" + jti;
        assertTrue(
                door.assembly
                        .gate()
                        .installRevocations(list(TestDoor.OWNER, 1, ref), "127.0.0.1")
                        .granted());
        door.stop();
        // The owner key is rotated: owner2 is trusted, the old owner key is not any more.
        SigningKey owner2 =
                SigningKey.fromSeed(
                        new byte[] {
                            9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
                            9, 9, 9, 9, 9, 9, 9, 9
                        });
        TestDoor.config()
                .set("state_dir = \"state\"")
                .keys(owner2.publicKey().paserk(), TestDoor.COURIER.publicKey().paserk())
                .write(dir);
        VirtualDoor again = start(T0.plusSeconds(60));
        assertTrue(
                again.model().alarms().contains(Alarm.REVOCATION_SIGNER_UNTRUSTED),
                again.model().alarms().toString());
        assertEquals(
                RejectionReason.REVOKED,
                again.present(revoked, "127.0.0.1").refusal().orElseThrow(),
                "what it revokes stays revoked");
        assertEquals(
                RejectionReason.SEQ_NOT_NEWER,
                again.assembly
                        .gate()
                        .installRevocations(list(owner2, 1, ref), "127.0.0.1")
                        .refusal()
                        .orElseThrow());
        assertTrue(
                again.assembly
                        .gate()
                        .installRevocations(list(owner2, 2, ref), "127.0.0.1")
                        .granted());
        again.controller().processPending();
        assertFalse(again.model().alarms().contains(Alarm.REVOCATION_SIGNER_UNTRUSTED));
    }

    @Test
    void aCompanyListOfAKeyNoLongerTrusted_raisesNoAlarmNobodyCouldClear_andHoldsIfTrustedAgain()
            throws Exception {
        VirtualDoor door = start(T0);
        String revoked = token(Role.DELIVERY, Use.ONCE, T0);
        String jti = org.latchkey.token.UnverifiedToken.read(revoked).claims().path("jti").asText();
        String ref = TestDoor.COURIER.publicKey().pid() + "/" + jti;
        assertTrue(
                door.assembly
                        .gate()
                        .installRevocations(list(TestDoor.COURIER, 1, ref), "127.0.0.1")
                        .granted(),
                "the company revokes its own token");
        door.stop();
        TestDoor.config()
                .set("state_dir = \"state\"")
                .keys( // another company in its place
                        TestDoor.OWNER.publicKey().paserk(),
                        SigningKey.fromSeed(new byte[32]).publicKey().paserk())
                .write(dir);
        VirtualDoor without = start(T0.plusSeconds(60));
        assertFalse(
                without.model().alarms().contains(Alarm.REVOCATION_SIGNER_UNTRUSTED),
                "only the removed key could replace its list: an alarm would never clear");
        without.stop();
        TestDoor.config()
                .set("state_dir = \"state\"")
                .keys(TestDoor.OWNER.publicKey().paserk(), TestDoor.COURIER.publicKey().paserk())
                .write(dir);
        VirtualDoor again = start(T0.plusSeconds(120));
        assertEquals(
                RejectionReason.REVOKED,
                again.present(revoked, "127.0.0.1").refusal().orElseThrow(),
                "trusted again, its revocations hold");
    }

    @Test
    void olderRevocationListPutInPlaceWhileTheDoorWasDown_isNotTakenForCurrent() throws Exception {
        VirtualDoor door = start(T0);
        String ref = TestDoor.COURIER.publicKey().pid() + "/some-token-00000001";
        String first = list(TestDoor.OWNER, 1, ref);
        assertTrue(door.assembly.gate().installRevocations(first, "127.0.0.1").granted());
        assertTrue(
                door.assembly
                        .gate()
                        .installRevocations(list(TestDoor.OWNER, 2, ref), "127.0.0.1")
                        .granted());
        door.stop();
        Files.writeString(dir.resolve("state/revocations.paseto"), first + "\n");
        VirtualDoor again = start(T0.plusSeconds(60));
        assertTrue(again.model().alarms().contains(Alarm.STATE_DAMAGED));
        assertEquals(
                RejectionReason.REVOKED,
                again.present(token(Role.DELIVERY, Use.ONCE, again.now()), "127.0.0.1")
                        .refusal()
                        .orElseThrow(),
                "what list 2 revoked is unknown: a courier is not let in");
        assertTrue(
                again.present(token(Role.OWNER, Use.WINDOW, again.now()), "127.0.0.1").granted(),
                "the owner is, to put things right");
        again.unlockAndRelock();
        assertEquals(
                RejectionReason.SEQ_NOT_NEWER,
                again.assembly
                        .gate()
                        .installRevocations(list(TestDoor.OWNER, 2, ref), "127.0.0.1")
                        .refusal()
                        .orElseThrow(),
                "the highest seq installed is remembered");
        assertTrue(
                again.assembly
                        .gate()
                        .installRevocations(list(TestDoor.OWNER, 3, ref), "127.0.0.1")
                        .granted());
        assertTrue(
                again.present(token(Role.DELIVERY, Use.ONCE, again.now()), "127.0.0.1").granted());
        again.unlockAndRelock();
    }

    @Test
    void revocationListThatCannotBeRead_admitsOwnersOnly_untilAListIsInstalledAgain()
            throws Exception {
        VirtualDoor door = start(T0);
        var first =
                door.assembly
                        .gate()
                        .installRevocations(
                                list(
                                        TestDoor.OWNER,
                                        1,
                                        TestDoor.COURIER.publicKey().pid() + "/gone-000000000001"),
                                "127.0.0.1");
        assertTrue(first.granted(), first.toString());
        door.stop();
        // The stored list is overwritten with garbage while the door is down: what did it revoke?
        Files.writeString(dir.resolve("state/revocations.paseto"), "v4.public.garbage\n");
        VirtualDoor again = start(T0.plusSeconds(60));
        assertTrue(again.model().alarms().contains(Alarm.STATE_DAMAGED));
        assertEquals(
                RejectionReason.REVOKED,
                again.present(token(Role.DELIVERY, Use.ONCE, again.now()), "127.0.0.1")
                        .refusal()
                        .orElseThrow(),
                "unknown revocations: a courier is not let in");
        assertTrue(
                again.present(token(Role.OWNER, Use.WINDOW, again.now()), "127.0.0.1").granted(),
                "the owner is, to put things right");
        again.unlockAndRelock();
        assertTrue(
                again.assembly
                        .gate()
                        .installRevocations(
                                list(
                                        TestDoor.OWNER,
                                        2,
                                        TestDoor.COURIER.publicKey().pid() + "/gone-000000000001"),
                                "127.0.0.1")
                        .granted());
        assertTrue(
                again.present(token(Role.DELIVERY, Use.ONCE, again.now()), "127.0.0.1").granted());
        again.unlockAndRelock();
    }

    @Test
    void revocationListDeletedWhileTheDoorWasDown_admitsOwnersOnly() throws Exception {
        VirtualDoor door = start(T0);
        assertTrue(
                door.assembly
                        .gate()
                        .installRevocations(
                                list(
                                        TestDoor.OWNER,
                                        1,
                                        TestDoor.COURIER.publicKey().pid() + "/gone-000000000001"),
                                "127.0.0.1")
                        .granted());
        door.stop();
        Files.delete(dir.resolve("state/revocations.paseto"));
        VirtualDoor again = start(T0.plusSeconds(60));
        assertEquals(
                RejectionReason.REVOKED,
                again.present(token(Role.DELIVERY, Use.WINDOW, again.now()), "127.0.0.1")
                        .refusal()
                        .orElseThrow());
    }

    private static String list(SigningKey signer, long seq, String ref) {
        return AccessTokens.sign(
                signer,
                ("{\"typ\":\"latchkey-revocation\",\"aud\":\""
                                + TestDoor.DOOR_ID
                                + "\",\"seq\":"
                                + seq
                                + ",\"iat\":\"2026-11-25T09:00:00Z\",\"jti\":[\""
                                + ref
                                + "\"],\"kid\":[]}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void auditLogOnTheRealDisk_isIntactAfterARestart() throws Exception {
        VirtualDoor door = new VirtualDoor(dir, Storage.REAL, T0, true);
        door.present(token(Role.DELIVERY, Use.ONCE, T0), "127.0.0.1");
        door.unlockAndRelock();
        door.boltSettles(BoltPosition.LOCKED);
        door.stop();
        new VirtualDoor(dir, Storage.REAL, T0.plusSeconds(60), true).stop();
        assertTrue(AuditVerifier.verify(dir.resolve("state")).intact());
    }

    @Test
    void lightsThatCannotBeDriven_raiseFeedbackFault_andNeverStopAGrantOrARelock()
            throws Exception {
        VirtualDoor door = start(T0);
        org.mockito.Mockito.doThrow(new org.latchkey.hal.HalException("line lost"))
                .when(door.indicators)
                .set(org.mockito.ArgumentMatchers.any(), org.mockito.ArgumentMatchers.anyBoolean());
        Outcome o = door.present(token(Role.OWNER, Use.WINDOW, T0), "127.0.0.1");
        assertTrue(o.granted(), "granted: " + o);
        door.assembly.feedback().accept(org.latchkey.feedback.Answer.of(o));
        door.advance(Duration.ofMillis(50));
        assertTrue(
                door.model().alarms().contains(Alarm.FEEDBACK_FAULT),
                "alarms " + door.model().alarms());
        org.mockito.Mockito.verify(door.bolt).unlock();
        door.unlockAndRelock();
        org.mockito.Mockito.verify(door.bolt, org.mockito.Mockito.atLeast(2)).lock();
        assertEquals("LOCKED", door.model().stateName(), "relocked, lights or not");
        assertTrue(
                door.records.stream()
                        .anyMatch(
                                r ->
                                        r instanceof AuditRecord.AlarmRaised a
                                                && a.alarm() == Alarm.FEEDBACK_FAULT),
                "the alarm is on record");
        // The line comes back: the next change of the lights clears the alarm.
        org.mockito.Mockito.reset(door.indicators);
        org.mockito.Mockito.when(door.indicators.fitted())
                .thenReturn(java.util.EnumSet.allOf(org.latchkey.hal.Indicators.Signal.class));
        door.assembly.feedback().accept(org.latchkey.feedback.Answer.REFUSED);
        door.advance(Duration.ofSeconds(2));
        assertFalse(
                door.model().alarms().contains(Alarm.FEEDBACK_FAULT),
                "alarms " + door.model().alarms());
    }
}
