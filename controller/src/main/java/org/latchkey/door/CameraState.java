package org.latchkey.door;

/**
 * The camera as the door knows it, in one value: whether it records, and whether its ready line
 * confirms it. A camera without a ready line never confirms.
 */
public enum CameraState {
    /** Not recording, not confirmed. */
    OFF,
    /** Not recording, but its ready line is up (a camera that signals readiness while idle). */
    STANDBY,
    /** Told to record; not confirmed yet. */
    STARTING,
    /** Recording, confirmed by its ready line. */
    RECORDING;

    public boolean recording() {
        return this == STARTING || this == RECORDING;
    }

    public boolean ready() {
        return this == STANDBY || this == RECORDING;
    }

    /**
     * Told to start or stop: a ready line that was up stays counted until it drops; stopping
     * forgets it.
     */
    CameraState commanded(boolean record) {
        return record ? ready() ? RECORDING : STARTING : OFF;
    }

    /** The ready line went up or down. */
    CameraState readyLine(boolean up) {
        return recording() ? up ? RECORDING : STARTING : up ? STANDBY : OFF;
    }
}
