package org.latchkey.scanner;

/** What a scanner read: a code to present, or one it dropped whole, and why. */
public sealed interface Scan {
    record Code(String text) implements Scan {}

    record Dropped(Why why) implements Scan {}

    enum Why {
        /** Longer than any token: dropped whole, never cut. */
        OVERLONG,
        /** A key that types no character a token could hold, or one typed with Ctrl or Alt held. */
        UNDECODABLE,
        /** The kernel's buffer overflowed and events were lost: the code is incomplete. */
        EVENTS_LOST
    }
}
