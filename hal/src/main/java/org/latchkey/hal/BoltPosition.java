package org.latchkey.hal;

/**
 * Where the deadbolt is. {@link #LOCKED} is only ever reported when the bolt was driven there and,
 * with a bolt-position switch, the switch confirms it; a bolt that did not arrive is {@link
 * #UNKNOWN}.
 */
public enum BoltPosition {
    LOCKED,
    UNLOCKED,
    MOVING,
    UNKNOWN
}
