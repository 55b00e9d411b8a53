package org.latchkey.door;

/**
 * The door's timers. They run on monotonic time; when one fires it comes back as {@link
 * DoorEvent.TimerFired}.
 */
public enum Timer {
    /** Unlocked and not opened: relock. */
    UNLOCK_WAIT,
    /** Closed again after an entry: relock. */
    RELOCK_DELAY,
    /** Open too long: DOOR_AJAR. */
    AJAR,
    /** The hard cap on one unlocked period. */
    MAX_UNLOCKED,
    /** The camera must confirm within this. */
    CAMERA_READY,
    /** Keep recording a little after the relock. */
    POST_ROLL,
    /**
     * The bolt must report where it went by then: a driver that never answers counts as a bolt not
     * confirmed.
     */
    MOTION
}
