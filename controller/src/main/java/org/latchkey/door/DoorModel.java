package org.latchkey.door;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;

/**
 * The door's whole state as the state machine keeps it: immutable, replaced by every transition.
 *
 * @param maxUnlockedReached the current unlocked period hit max_unlocked: lock as soon as the door is closed
 */
public record DoorModel(
        Phase phase,
        DoorState door,
        BoltPosition bolt,
        boolean cameraOn,
        boolean cameraReady,
        Set<Alarm> alarms,
        Mode mode,
        boolean shuttingDown,
        boolean maxUnlockedReached) {

    public DoorModel {
        alarms = alarms.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(alarms));
    }

    public static DoorModel initial(Mode mode) {
        return new DoorModel(new Phase.Starting(), DoorState.OPEN, BoltPosition.UNKNOWN, false, false, Set.of(), mode,
                false, false);
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
        return new DoorModel(p, door, bolt, cameraOn, cameraReady, alarms, mode, shuttingDown, maxUnlockedReached);
    }

    DoorModel withDoor(DoorState d) {
        return new DoorModel(phase, d, bolt, cameraOn, cameraReady, alarms, mode, shuttingDown, maxUnlockedReached);
    }

    DoorModel withBolt(BoltPosition b) {
        return new DoorModel(phase, door, b, cameraOn, cameraReady, alarms, mode, shuttingDown, maxUnlockedReached);
    }

    DoorModel withCamera(boolean on, boolean ready) {
        return new DoorModel(phase, door, bolt, on, ready, alarms, mode, shuttingDown, maxUnlockedReached);
    }

    DoorModel withAlarms(Set<Alarm> a) {
        return new DoorModel(phase, door, bolt, cameraOn, cameraReady, a, mode, shuttingDown, maxUnlockedReached);
    }

    DoorModel withMode(Mode m) {
        return new DoorModel(phase, door, bolt, cameraOn, cameraReady, alarms, m, shuttingDown, maxUnlockedReached);
    }

    DoorModel beginShutdown() {
        return new DoorModel(phase, door, bolt, cameraOn, cameraReady, alarms, mode, true, maxUnlockedReached);
    }

    DoorModel withMaxUnlockedReached(boolean reached) {
        return new DoorModel(phase, door, bolt, cameraOn, cameraReady, alarms, mode, shuttingDown, reached);
    }
}
