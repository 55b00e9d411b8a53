package org.latchkey.door;

import java.time.Duration;

/**
 * The door's timing and policy ({@code [door]} in the config).
 *
 * @param unlockWait unlocked and not opened: relock after this
 * @param relockDelay opened and closed again: relock after this
 * @param ajarAfter door held open this long raises DOOR_AJAR
 * @param maxUnlocked no grant keeps the door unlocked past this, counted from the unlock, once it
 *     is closed
 * @param cameraPostRoll the camera keeps recording this long after the relock
 * @param requireCamera the bolt moves only after the camera confirms it is ready
 * @param cameraReadyWait how long to wait for that confirmation
 * @param lockRetries extra attempts when the bolt does not confirm its position, before JAMMED
 * @param motionTimeout a bolt that has not reported where it went by then counts as not confirmed
 *     (a hung driver never leaves the door waiting): twice the bolt's travel time and a second
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
        int lockRetries,
        Duration motionTimeout) {

    public static final DoorSettings DEFAULTS =
            new DoorSettings(
                    Mode.NORMAL,
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(120),
                    Duration.ofMinutes(10),
                    Duration.ofSeconds(10),
                    false,
                    Duration.ofSeconds(5),
                    2,
                    motionTimeoutFor(Duration.ofMillis(700)));

    /** The motion timeout for a bolt that takes {@code travel} to move. */
    public static Duration motionTimeoutFor(Duration travel) {
        return travel.multipliedBy(2).plusSeconds(1);
    }
}
