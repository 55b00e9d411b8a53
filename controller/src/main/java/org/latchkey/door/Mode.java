package org.latchkey.door;

/** The door's operating mode. */
public enum Mode {
    /** Every role its keys may grant. */
    NORMAL,
    /** Owner tokens only; the rest are refused as MODE_DENIES. */
    PRIVACY
}
