package org.latchkey.mqtt;

import org.latchkey.door.Alarm;
import org.latchkey.door.DoorModel;
import org.latchkey.door.Phase;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;

/**
 * The door as a Home Assistant lock sees it: {@code locked}, {@code unlocked}, {@code locking},
 * {@code unlocking}, {@code jammed}, and {@code open} while the door stands open. {@code locked}
 * only when the bolt has confirmed it.
 */
public final class LockState {
    private LockState() {}

    public static String of(DoorModel m) {
        if (m.door() == DoorState.OPEN) {
            return "open";
        }
        if (m.alarms().contains(Alarm.LOCK_JAMMED)) {
            return "jammed";
        }
        return switch (m.phase()) {
            case Phase.Locked x -> "locked";
            case Phase.Locking x -> "locking";
            case Phase.CameraCheck x -> "unlocking";
            case Phase.Consuming x -> "unlocking";
            case Phase.Unlocking x -> "unlocking";
            case Phase.Unlocked x -> "unlocked";
            case Phase.Unsecured x -> "unlocked";
            case Phase.Jammed x -> "jammed";
            // Before the first reading and after the end, the bolt's own report is all there is.
            case Phase.Starting x -> byBolt(m);
            case Phase.Stopped x -> byBolt(m);
        };
    }

    private static String byBolt(DoorModel m) {
        return m.bolt() == BoltPosition.LOCKED ? "locked" : "unlocked";
    }
}
