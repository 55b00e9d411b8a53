package org.latchkey.door;

/** Alarms, with Matter's DoorLock names where they exist. Each raise and clear is audited. */
public enum Alarm {
    DOOR_FORCED_OPEN,
    DOOR_AJAR,
    LOCK_JAMMED,
    CAMERA_FAULT,
    CLOCK_UNTRUSTED,
    STORE_UNAVAILABLE
}
