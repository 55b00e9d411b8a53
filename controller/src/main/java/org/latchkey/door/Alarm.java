package org.latchkey.door;

/** Alarms, with Matter's DoorLock names where they exist. Each raise and clear is audited. */
public enum Alarm {
    DOOR_FORCED_OPEN,
    DOOR_AJAR,
    LOCK_JAMMED,
    CAMERA_FAULT,
    CLOCK_UNTRUSTED,
    STORE_UNAVAILABLE,
    /**
     * Part of the state directory could not be read at start; it was kept aside (see the audit
     * log).
     */
    STATE_DAMAGED,
    /** The installed revocation list was signed by a key no longer trusted; still enforced. */
    REVOCATION_SIGNER_UNTRUSTED,
    /** A light or the buzzer at the door could not be driven: the door works, but says nothing. */
    FEEDBACK_FAULT
}
