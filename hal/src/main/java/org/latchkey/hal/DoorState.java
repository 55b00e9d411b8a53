package org.latchkey.hal;

/** What the door contact reports. A cut wire reads as {@link #OPEN}: fail secure. */
public enum DoorState {
    OPEN,
    CLOSED
}
