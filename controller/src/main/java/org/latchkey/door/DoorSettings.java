package org.latchkey.door;

import java.time.Duration;

/**
 * The door's timing and policy ({@code [door]} in the config).
 *
 * @param unlockWait unlocked and not opened: relock after this
 * @param relockDelay opened and closed again: relock after this
 * @param ajarAfter door held open this long raises DOOR_AJAR
 * @param maxUnlocked no grant keeps the door unlocked past this, counted from the unlock, once it is closed
 * @param cameraPostRoll the camera keeps recording this long after the relock
 * @param requireCamera the bolt moves only after the camera confirms it is ready
 * @param cameraReadyWait how long to wait for that confirmation
 * @param lockRetries extra attempts when the bolt does not confirm its position, before JAMMED
 */
public record DoorSettings(
        Mode mode,
        Duration unlockWait,
        Duration relockDelay,
        Duration ajarAfter,
        Duration maxUnlocked,
        Duration cameraPostRoll,
        boolean requireCamera,
        Duration cameraReadyWait,
        int lockRetries) {

    public static final DoorSettings DEFAULTS = new DoorSettings(Mode.NORMAL, Duration.ofSeconds(30),
            Duration.ofSeconds(3), Duration.ofSeconds(120), Duration.ofMinutes(10), Duration.ofSeconds(10), false,
            Duration.ofSeconds(5), 2);
}
