package org.latchkey.door;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.audit.AuditLog;
import org.latchkey.audit.AuditVerifier;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.Camera;
import org.latchkey.hal.Deadbolt;
import org.latchkey.hal.DoorContact;
import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.DoorState;
import org.latchkey.hal.HardwareEvent;
import org.latchkey.hal.ManualScheduler;
import org.latchkey.store.ModeFile;
import org.latchkey.store.OneTimeStore;
import org.latchkey.store.Storage;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.VerifiedAccess;
import org.mockito.InOrder;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The door, scenario by scenario: the real state machine and controller loop, virtual time, Mockito
 * at the hardware boundary, a real one-time store and audit log in a temp folder.
 */
class DoorScenarioTest {
    private static final Duration TRAVEL = Duration.ofMillis(700);

    @TempDir Path state;

    final ManualScheduler scheduler = new ManualScheduler();
    final Deadbolt bolt = mock(Deadbolt.class);
    final DoorContact contact = mock(DoorContact.class);
    final Camera camera = mock(Camera.class);
    final DoorHardware hw = mock(DoorHardware.class);
    final List<AuditRecord> records = new ArrayList<>();
    OneTimeStore store;
    AuditLog audit;
    DoorController door;

    private void start(DoorSettings settings, DoorState initialDoor) throws Exception {
        when(hw.bolt()).thenReturn(bolt);
        when(hw.contact()).thenReturn(contact);
        when(hw.camera()).thenReturn(camera);
        when(contact.state()).thenReturn(initialDoor);
        when(bolt.position()).thenReturn(BoltPosition.UNKNOWN);
        store = OneTimeStore.open(Storage.REAL, state);
        audit =
                AuditLog.open(
                        Storage.REAL,
                        state,
                        AuditLog.Limits.of(64L << 20),
                        InstantSource.fixed(TestTokens.NOW),
                        new AuditLog.Health() {
                            @Override
                            public void failed(java.io.IOException e) {
                                throw new AssertionError(e);
                            }

                            @Override
                            public void recovered() {}
                        });
        door =
                new DoorController(
                        settings,
                        settings.mode(),
                        scheduler,
                        store,
                        new ModeFile(Storage.REAL, state),
                        audit,
                        InstantSource.fixed(TestTokens.NOW),
                        new StoreHealth());
        door.addObserver(
                new DoorController.Observer() {
                    @Override
                    public void onStatus(DoorModel model) {}

                    @Override
                    public void onRecord(AuditRecord record, Optional<String> line) {
                        records.add(record);
                    }
                });
        door.start(hw, "config");
        door.processPending();
    }

    private void startLocked(DoorSettings settings) throws Exception {
        start(settings, DoorState.CLOSED);
        verify(bolt).lock();
        settle(BoltPosition.LOCKED);
        assertEquals("LOCKED", door.model().stateName());
    }

    @AfterEach
    void auditChainIsIntact() throws Exception {
        if (audit != null) {
            audit.close();
            assertTrue(
                    AuditVerifier.verify(state).intact(),
                    AuditVerifier.verify(state).firstProblem().toString());
        }
    }

    private void settle(BoltPosition p) {
        scheduler.advance(TRAVEL);
        door.onEvent(new HardwareEvent.BoltSettled(p));
        door.processPending();
    }

    private void doorMoves(DoorState s) {
        door.onEvent(new HardwareEvent.DoorChanged(s));
        door.processPending();
    }

    private void advance(Duration d) {
        scheduler.advance(d);
        door.processPending();
    }

    private Outcome present(VerifiedAccess access) throws Exception {
        CompletableFuture<Outcome> f = door.present(access, true);
        door.processPending();
        assertTrue(f.isDone(), "the door answered at once");
        return f.get();
    }

    private static DoorSettings settings(boolean requireCamera, Mode mode) {
        DoorSettings d = DoorSettings.DEFAULTS;
        return new DoorSettings(
                mode,
                d.unlockWait(),
                d.relockDelay(),
                d.ajarAfter(),
                d.maxUnlocked(),
                d.cameraPostRoll(),
                requireCamera,
                d.cameraReadyWait(),
                d.lockRetries(),
                d.motionTimeout());
    }

    @Test
    void delivery_onceToken_unlocks_entry_relocks_cameraStopsAfterPostRoll() throws Exception {
        startLocked(DoorSettings.DEFAULTS);
        VerifiedAccess token = TestTokens.courierOnce();
        Outcome o = present(token);
        assertTrue(o.granted(), o.toString());
        assertTrue(
                store.isUsed(token.kid(), token.claims().tokenId()),
                "consumed before the bolt moved");
        InOrder order = inOrder(camera, bolt);
        order.verify(camera).startRecording();
        order.verify(bolt).unlock();
        assertEquals("UNLOCKING", door.model().stateName());
        settle(BoltPosition.UNLOCKED);
        assertEquals("UNLOCKED", door.model().stateName());

        doorMoves(DoorState.OPEN);
        advance(Duration.ofSeconds(40)); // the courier takes their time; still within ajar_after
        doorMoves(DoorState.CLOSED);
        advance(Duration.ofMillis(2999));
        verify(bolt, times(1)).lock(); // only the start-up lock so far
        advance(Duration.ofMillis(1));
        verify(bolt, times(2)).lock();
        settle(BoltPosition.LOCKED);
        assertEquals("LOCKED", door.model().stateName());
        assertTrue(door.model().camera().recording());
        advance(Duration.ofSeconds(10));
        verify(camera).stopRecording();
        assertFalse(door.model().camera().recording());
        assertTrue(
                records.stream()
                        .anyMatch(
                                r ->
                                        r instanceof AuditRecord.Granted g
                                                && g.token()
                                                        .jti()
                                                        .equals(token.claims().tokenId())));
        assertEquals(Set.of(), door.model().alarms());
    }

    @Test
    void courierNeverOpens_relocksAfterUnlockWait() throws Exception {
        startLocked(DoorSettings.DEFAULTS);
        assertTrue(present(TestTokens.courierOnce()).granted());
        settle(BoltPosition.UNLOCKED);
        advance(Duration.ofSeconds(30).minus(TRAVEL).minusMillis(1));
        verify(bolt, times(1)).lock();
        advance(Duration.ofMillis(1).plus(TRAVEL));
        verify(bolt, times(2)).lock();
        settle(BoltPosition.LOCKED);
        assertEquals("LOCKED", door.model().stateName());
        assertTrue(records.contains(new AuditRecord.Relock("not opened within 30 s")));
    }

    @Test
    void doorHeldOpen_raisesAjar_clearsOnClose_thenRelocks_neverBoltingAnOpenDoor()
            throws Exception {
        startLocked(DoorSettings.DEFAULTS);
        present(TestTokens.courierOnce());
        settle(BoltPosition.UNLOCKED);
        doorMoves(DoorState.OPEN);
        advance(Duration.ofMinutes(30)); // unlock_wait, max_unlocked all pass while open
        assertEquals(Set.of(Alarm.DOOR_AJAR), door.model().alarms());
        verify(bolt, times(1)).lock(); // never thrown into the open door
        doorMoves(DoorState.CLOSED);
        assertEquals(Set.of(), door.model().alarms());
        verify(bolt, times(2)).lock(); // max_unlocked passed: lock as soon as it is closed
        settle(BoltPosition.LOCKED);
        assertTrue(records.contains(new AuditRecord.AlarmRaised(Alarm.DOOR_AJAR)));
        assertTrue(records.contains(new AuditRecord.AlarmCleared(Alarm.DOOR_AJAR)));
    }

    @Test
    void forcedOpening_raisesAlarm_startsCamera_relocksAfterClose() throws Exception {
        startLocked(DoorSettings.DEFAULTS);
        doorMoves(DoorState.OPEN);
        assertEquals(Set.of(Alarm.DOOR_FORCED_OPEN), door.model().alarms());
        verify(camera).startRecording();
        assertEquals("UNSECURED", door.model().stateName());
        doorMoves(DoorState.CLOSED);
        advance(Duration.ofSeconds(3));
        verify(bolt, times(2)).lock();
        settle(BoltPosition.LOCKED);
        assertEquals(Set.of(), door.model().alarms());
        advance(Duration.ofSeconds(10));
        verify(camera).stopRecording();
    }

    @Test
    void jam_retriesBoundedTimes_thenJammed_neverReportedLocked() throws Exception {
        start(DoorSettings.DEFAULTS, DoorState.CLOSED);
        settle(BoltPosition.UNKNOWN);
        settle(BoltPosition.UNKNOWN);
        settle(BoltPosition.UNKNOWN);
        verify(bolt, times(3)).lock(); // first attempt and lock_retries = 2
        assertEquals("JAMMED", door.model().stateName());
        assertEquals(Set.of(Alarm.LOCK_JAMMED), door.model().alarms());
        advance(Duration.ofMinutes(5));
        verify(bolt, times(3)).lock();
        // Freed by hand and confirmed by the switch: locked, alarm cleared.
        door.onEvent(new HardwareEvent.BoltSettled(BoltPosition.LOCKED));
        door.processPending();
        assertEquals("LOCKED", door.model().stateName());
        assertEquals(Set.of(), door.model().alarms());
    }

    @Test
    void cameraRequiredButOffline_refusesCameraNotReady_tokenNotConsumed_boltNeverMoves()
            throws Exception {
        startLocked(settings(true, Mode.NORMAL));
        VerifiedAccess token = TestTokens.courierOnce();
        CompletableFuture<Outcome> answer = door.present(token, true);
        door.processPending();
        verify(camera).startRecording();
        assertFalse(answer.isDone(), "waiting for the camera");
        advance(Duration.ofSeconds(5));
        assertEquals(RejectionReason.CAMERA_NOT_READY, answer.get().refusal().orElseThrow());
        assertFalse(store.isUsed(token.kid(), token.claims().tokenId()));
        verify(bolt, never()).unlock();
        verify(camera).stopRecording();
        assertEquals(Set.of(Alarm.CAMERA_FAULT), door.model().alarms());
        assertEquals("LOCKED", door.model().stateName());
    }

    @Test
    void cameraRequired_andReady_unlocksOnlyAfterConfirmation() throws Exception {
        startLocked(settings(true, Mode.NORMAL));
        CompletableFuture<Outcome> answer = door.present(TestTokens.courierOnce(), true);
        door.processPending();
        verify(bolt, never()).unlock();
        advance(Duration.ofMillis(300));
        door.onEvent(new HardwareEvent.CameraReadyChanged(true));
        door.processPending();
        assertTrue(answer.get().granted());
        verify(bolt).unlock();
    }

    @Test
    void privacyMode_refusesCourier_admitsOwner() throws Exception {
        startLocked(settings(false, Mode.PRIVACY));
        assertEquals(
                RejectionReason.MODE_DENIES,
                present(TestTokens.courierOnce()).refusal().orElseThrow());
        verify(bolt, never()).unlock();
        verify(camera, never()).startRecording();
        assertTrue(present(TestTokens.ownerWindow()).granted());
        verify(bolt).unlock();
    }

    @Test
    void onceTokenReplayed_isAlreadyUsed_andOpensOnlyOnce() throws Exception {
        startLocked(DoorSettings.DEFAULTS);
        VerifiedAccess token = TestTokens.courierOnce();
        assertTrue(present(token).granted());
        settle(BoltPosition.UNLOCKED);
        advance(Duration.ofSeconds(30));
        settle(BoltPosition.LOCKED);
        Outcome replay = present(token);
        assertEquals(RejectionReason.ALREADY_USED, replay.refusal().orElseThrow());
        verify(bolt, times(1)).unlock();
        assertTrue(
                records.contains(
                        new AuditRecord.Refused(
                                AuditRecord.TokenRef.of(token), RejectionReason.ALREADY_USED)));
    }

    @Test
    void windowTokenPresentedAgainAndAgain_cannotHoldTheDoorPastMaxUnlocked() throws Exception {
        startLocked(DoorSettings.DEFAULTS);
        VerifiedAccess token = TestTokens.courierWindow();
        assertTrue(present(token).granted());
        settle(BoltPosition.UNLOCKED);
        for (int i = 0; i < 29; i++) { // every 20 s, well within unlock_wait, for 9m40s
            advance(Duration.ofSeconds(20));
            assertTrue(present(token).granted());
        }
        verify(bolt, times(1)).lock();
        advance(Duration.ofSeconds(20)); // 10 minutes since the unlock
        verify(bolt, times(2)).lock();
        settle(BoltPosition.LOCKED);
        assertEquals("LOCKED", door.model().stateName());
    }

    @Test
    void grantWhileBoltMoving_isBusy_andMovesNothing() throws Exception {
        start(DoorSettings.DEFAULTS, DoorState.CLOSED);
        assertEquals(
                RejectionReason.BUSY, present(TestTokens.courierOnce()).refusal().orElseThrow());
        verify(bolt, never()).unlock();
    }

    @Test
    void startUpWithDoorOpen_locksOnceItCloses() throws Exception {
        start(DoorSettings.DEFAULTS, DoorState.OPEN);
        verify(bolt, never()).lock();
        assertEquals("UNSECURED", door.model().stateName());
        doorMoves(DoorState.CLOSED);
        advance(Duration.ofSeconds(3));
        verify(bolt).lock();
        settle(BoltPosition.LOCKED);
        assertEquals("LOCKED", door.model().stateName());
    }

    @Test
    void shutdownMidGrant_finishesTheMotion_locksTheClosedDoor_stops() throws Exception {
        startLocked(DoorSettings.DEFAULTS);
        present(TestTokens.courierOnce());
        door.post(new DoorEvent.ShutdownRequested());
        door.processPending();
        assertFalse(door.isStopped());
        settle(BoltPosition.UNLOCKED);
        verify(bolt, times(2)).lock(); // the door is closed: lock it before stopping
        settle(BoltPosition.LOCKED);
        assertTrue(door.isStopped());
        assertEquals("STOPPED", door.model().stateName());
        assertEquals(
                RejectionReason.BUSY,
                door.present(TestTokens.ownerWindow(), true).getNow(null).refusal().orElseThrow());
    }

    @Test
    void doorOpensWhileLocking_boltIsPulledBack() throws Exception {
        startLocked(DoorSettings.DEFAULTS);
        present(TestTokens.courierOnce());
        settle(BoltPosition.UNLOCKED);
        doorMoves(DoorState.OPEN);
        doorMoves(DoorState.CLOSED);
        advance(Duration.ofSeconds(3)); // relock starts
        doorMoves(DoorState.OPEN); // and the door opens again mid-motion
        verify(bolt, times(2)).unlock();
        assertEquals("UNSECURED", door.model().stateName());
        assertFalse(door.model().alarms().contains(Alarm.DOOR_FORCED_OPEN));
    }

    @Test
    void storeUnwritable_refusesOnceTokens_raisesAlarm_thenOwnerTokensOnly() throws Exception {
        startLocked(DoorSettings.DEFAULTS);
        java.nio.file.Files.createDirectories(state.resolve("once.log")); // writes to it now fail
        VerifiedAccess token = TestTokens.courierOnce();
        assertEquals(RejectionReason.STORE_UNAVAILABLE, present(token).refusal().orElseThrow());
        assertTrue(door.model().alarms().contains(Alarm.STORE_UNAVAILABLE));
        verify(bolt, never()).unlock();
        // While the state cannot be written, nobody but the owner gets in: no courier enters
        // unrecorded.
        assertEquals(
                RejectionReason.STORE_UNAVAILABLE,
                present(TestTokens.courierWindow()).refusal().orElseThrow());
        assertTrue(present(TestTokens.ownerWindow()).granted());
    }

    @Test
    void failingDeviceCall_orObserver_doesNotStopTheDoor() throws Exception {
        startLocked(DoorSettings.DEFAULTS);
        org.mockito.Mockito.doThrow(new IllegalStateException("camera unplugged"))
                .when(camera)
                .startRecording();
        door.addObserver(
                new DoorController.Observer() {
                    @Override
                    public void onStatus(DoorModel model) {
                        throw new IllegalStateException("broken observer");
                    }

                    @Override
                    public void onRecord(AuditRecord record, Optional<String> line) {}
                });
        assertTrue(present(TestTokens.courierOnce()).granted());
        verify(bolt).unlock();
        settle(BoltPosition.UNLOCKED);
        assertEquals("UNLOCKED", door.model().stateName());
    }

    @Test
    void boltThatCannotBeDriven_endsJammed_notStuck() throws Exception {
        startLocked(DoorSettings.DEFAULTS);
        org.mockito.Mockito.doThrow(new IllegalStateException("PWM gone")).when(bolt).unlock();
        assertTrue(present(TestTokens.courierOnce()).granted());
        assertEquals("JAMMED", door.model().stateName());
        assertEquals(Set.of(Alarm.LOCK_JAMMED), door.model().alarms());
        verify(bolt, times(3)).unlock();
    }
}
