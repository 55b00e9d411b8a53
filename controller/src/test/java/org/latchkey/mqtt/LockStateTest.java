package org.latchkey.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.latchkey.door.Alarm;
import org.latchkey.door.CameraState;
import org.latchkey.door.DoorModel;
import org.latchkey.door.Mode;
import org.latchkey.door.Phase;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;

import java.util.EnumSet;
import java.util.Set;

class LockStateTest {
    private static DoorModel m(Phase p, DoorState door, BoltPosition bolt, Set<Alarm> alarms) {
        return new DoorModel(p, door, bolt, CameraState.OFF, alarms, Mode.NORMAL, false);
    }

    @Test
    void homeAssistantsLockStates_fromTheDoor() {
        assertEquals(
                "locked",
                LockState.of(
                        m(new Phase.Locked(), DoorState.CLOSED, BoltPosition.LOCKED, Set.of())));
        assertEquals(
                "locking",
                LockState.of(
                        m(
                                new Phase.Locking(1),
                                DoorState.CLOSED,
                                BoltPosition.UNLOCKED,
                                Set.of())));
        assertEquals(
                "unlocked",
                LockState.of(
                        m(
                                new Phase.Unsecured(),
                                DoorState.CLOSED,
                                BoltPosition.UNLOCKED,
                                Set.of())));
        assertEquals(
                "open",
                LockState.of(
                        m(new Phase.Unsecured(), DoorState.OPEN, BoltPosition.UNLOCKED, Set.of())));
        assertEquals(
                "jammed",
                LockState.of(
                        m(
                                new Phase.Jammed(),
                                DoorState.CLOSED,
                                BoltPosition.UNKNOWN,
                                EnumSet.of(Alarm.LOCK_JAMMED))));
        assertEquals(
                "open",
                LockState.of(
                        m(
                                new Phase.Jammed(),
                                DoorState.OPEN,
                                BoltPosition.UNKNOWN,
                                EnumSet.of(Alarm.LOCK_JAMMED))),
                "an open door is open, whatever the bolt");
        assertEquals(
                "unlocked",
                LockState.of(
                        m(new Phase.Starting(), DoorState.CLOSED, BoltPosition.UNKNOWN, Set.of())),
                "locked only when the bolt confirmed it");
    }
}
