package org.latchkey.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.hal.HalConfig.Fault;
import org.latchkey.hal.HardwareEvent;
import org.latchkey.hal.HardwareEvent.BoltSettled;
import org.latchkey.hal.HardwareEvent.CameraReadyChanged;
import org.latchkey.hal.HardwareEvent.DoorChanged;
import org.latchkey.hal.ManualScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

class SimulatedDoorTest {
    private static final Duration TRAVEL = Duration.ofMillis(700);

    final ManualScheduler scheduler = new ManualScheduler();
    final List<HardwareEvent> events = new ArrayList<>();

    private SimulatedDoor door(Fault... faults) {
        return new SimulatedDoor(scheduler, events::add, TRAVEL, Set.of(faults));
    }

    @Test
    void startsClosedAndLocked() {
        SimulatedDoor d = door();
        assertEquals(DoorState.CLOSED, d.contact().state());
        assertEquals(BoltPosition.LOCKED, d.bolt().position());
        assertTrue(d.bolt().hasPositionSwitch());
    }

    @Test
    void bolt_takesItsTravelTime() {
        SimulatedDoor d = door();
        d.bolt().unlock();
        assertEquals(BoltPosition.MOVING, d.bolt().position());
        scheduler.advance(TRAVEL.minusMillis(1));
        assertEquals(BoltPosition.MOVING, d.bolt().position());
        assertTrue(events.isEmpty());
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(BoltPosition.UNLOCKED, d.bolt().position());
        assertEquals(List.of(new BoltSettled(BoltPosition.UNLOCKED)), events);
    }

    @Test
    void door_cannotBeOpenedWhileBolted_butCanBeForced() {
        SimulatedDoor d = door();
        assertFalse(d.openDoor());
        assertEquals(DoorState.CLOSED, d.contact().state());
        d.forceOpen();
        assertEquals(DoorState.OPEN, d.contact().state());
        assertEquals(List.of(new DoorChanged(DoorState.OPEN)), events);
    }

    @Test
    void door_opensAndClosesOnceUnlocked() {
        SimulatedDoor d = door();
        d.bolt().unlock();
        scheduler.advance(TRAVEL);
        assertTrue(d.openDoor());
        d.closeDoor();
        assertEquals(
                List.of(
                        new BoltSettled(BoltPosition.UNLOCKED),
                        new DoorChanged(DoorState.OPEN),
                        new DoorChanged(DoorState.CLOSED)),
                events);
    }

    @Test
    void boltJam_boltStaysPut_andIsNeverReportedInTheTargetPosition() {
        SimulatedDoor d = door();
        d.bolt().unlock();
        scheduler.advance(TRAVEL);
        d.inject(Fault.BOLT_JAM);
        d.bolt().lock();
        scheduler.advance(TRAVEL);
        assertEquals(BoltPosition.UNKNOWN, d.bolt().position());
        assertFalse(d.boltPhysicallyThrown());
        d.clearFaults();
        d.bolt().lock();
        scheduler.advance(TRAVEL);
        assertEquals(BoltPosition.LOCKED, d.bolt().position());
    }

    @Test
    void boltJam_fromConfig_atStart() {
        SimulatedDoor d = door(Fault.BOLT_JAM);
        d.bolt().unlock();
        scheduler.advance(TRAVEL);
        assertEquals(BoltPosition.UNKNOWN, d.bolt().position());
        assertTrue(d.boltPhysicallyThrown());
        assertTrue(d.description().contains("BOLT_JAM"));
    }

    @Test
    void contactCut_readsOpen_andClearsBack() {
        SimulatedDoor d = door();
        d.inject(Fault.CONTACT_CUT);
        assertEquals(DoorState.OPEN, d.contact().state());
        assertFalse(d.doorPhysicallyOpen());
        d.clearFaults();
        assertEquals(DoorState.CLOSED, d.contact().state());
        assertEquals(
                List.of(new DoorChanged(DoorState.OPEN), new DoorChanged(DoorState.CLOSED)),
                events);
    }

    @Test
    void camera_becomesReadyAfterStartUp_andStopsCleanly() {
        SimulatedDoor d = door();
        d.camera().startRecording();
        assertTrue(d.camera().recording());
        assertFalse(d.camera().ready());
        scheduler.advance(SimulatedDoor.CAMERA_START_UP);
        assertTrue(d.camera().ready());
        d.camera().stopRecording();
        assertFalse(d.camera().ready());
        assertEquals(List.of(new CameraReadyChanged(true), new CameraReadyChanged(false)), events);
    }

    @Test
    void cameraOffline_neverBecomesReady_andLosesReadinessWhenItHappens() {
        SimulatedDoor offline = door(Fault.CAMERA_OFFLINE);
        offline.camera().startRecording();
        scheduler.advance(Duration.ofSeconds(30));
        assertFalse(offline.camera().ready());
        assertTrue(events.isEmpty());

        SimulatedDoor d = door();
        d.camera().startRecording();
        scheduler.advance(SimulatedDoor.CAMERA_START_UP);
        d.inject(Fault.CAMERA_OFFLINE);
        assertFalse(d.camera().ready());
        d.clearFaults();
        scheduler.advance(SimulatedDoor.CAMERA_START_UP);
        assertTrue(d.camera().ready());
        assertEquals(
                List.of(
                        new CameraReadyChanged(true),
                        new CameraReadyChanged(false),
                        new CameraReadyChanged(true)),
                events);
    }

    @Test
    void newCommand_replacesAMotionInProgress() {
        SimulatedDoor d = door();
        d.bolt().unlock();
        scheduler.advance(Duration.ofMillis(300));
        d.bolt().lock();
        scheduler.advance(TRAVEL);
        assertEquals(List.of(new BoltSettled(BoltPosition.LOCKED)), events);
    }
}
