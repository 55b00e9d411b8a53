package org.latchkey.token;

import java.time.Instant;

/**
 * The door's wall clock at the moment of a check, and whether it may be believed
 * (docs/token-profile.md, Time).
 */
public sealed interface ClockReading {
    Instant now();

    /**
     * The latest moment known to have passed: what expiry is checked against. An untrusted clock
     * set back cannot make an expired token (or one whose one-time record was compacted) valid
     * again, because true time is never earlier than the floor a trusted clock once reached.
     */
    Instant notEarlierThan();

    /** NTP-synchronised (or a battery-backed clock) and not behind the time floor. */
    record Trusted(Instant now) implements ClockReading {
        @Override
        public Instant notEarlierThan() {
            return now;
        }
    }

    /**
     * @param floor the time floor: the latest time a trusted clock reached
     * @param why for people: what makes the clock untrustworthy
     */
    record Untrusted(Instant now, Instant floor, String why) implements ClockReading {
        @Override
        public Instant notEarlierThan() {
            return now.isAfter(floor) ? now : floor;
        }
    }
}
