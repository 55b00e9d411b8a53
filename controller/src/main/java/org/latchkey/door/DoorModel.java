package org.latchkey.door;

import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The door's whole state as the state machine keeps it: immutable, replaced by every transition.
 *
 * @param shuttingDown SIGTERM arrived: finish the motion, lock if closed, stop
 */
public record DoorModel(
        Phase phase,
        DoorState door,
        BoltPosition bolt,
        CameraState camera,
        Set<Alarm> alarms,
        Mode mode,
        boolean shuttingDown) {

    public DoorModel {
        alarms = alarms.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(alarms));
    }

    public static DoorModel initial(Mode mode) {
        return new DoorModel(
                new Phase.Starting(),
                DoorState.OPEN,
                BoltPosition.UNKNOWN,
                CameraState.OFF,
                Set.of(),
                mode,
                false);
    }

    /** The state name the API and the audit log show. */
    public String stateName() {
        return switch (phase) {
            case Phase.Starting s -> "STARTING";
            case Phase.Locked l -> "LOCKED";
            case Phase.Locking l -> "LOCKING";
            case Phase.CameraCheck c -> "UNLOCKING";
            case Phase.Consuming c -> "UNLOCKING";
            case Phase.Unlocking u -> "UNLOCKING";
            case Phase.Unlocked u -> "UNLOCKED";
            case Phase.Unsecured u -> "UNSECURED";
            case Phase.Jammed j -> "JAMMED";
            case Phase.Stopped s -> "STOPPED";
        };
    }

    DoorModel with(Phase p) {
        return new DoorModel(p, door, bolt, camera, alarms, mode, shuttingDown);
    }

    DoorModel withDoor(DoorState d) {
        return new DoorModel(phase, d, bolt, camera, alarms, mode, shuttingDown);
    }

    DoorModel withBolt(BoltPosition b) {
        return new DoorModel(phase, door, b, camera, alarms, mode, shuttingDown);
    }

    DoorModel withCamera(CameraState c) {
        return new DoorModel(phase, door, bolt, c, alarms, mode, shuttingDown);
    }

    DoorModel withAlarms(Set<Alarm> a) {
        return new DoorModel(phase, door, bolt, camera, a, mode, shuttingDown);
    }

    DoorModel withMode(Mode m) {
        return new DoorModel(phase, door, bolt, camera, alarms, m, shuttingDown);
    }

    DoorModel beginShutdown() {
        return new DoorModel(phase, door, bolt, camera, alarms, mode, true);
    }
}
