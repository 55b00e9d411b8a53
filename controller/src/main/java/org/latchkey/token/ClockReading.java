package org.latchkey.token;

import java.time.Instant;

/**
 * The door's wall clock at the moment of a check, and whether it may be believed (token-profile.md,
 * Time).
 */
public sealed interface ClockReading {
    Instant now();

    /** NTP-synchronised (or a battery-backed clock) and not behind the time floor. */
    record Trusted(Instant now) implements ClockReading {}

    /**
     * @param why for people: what makes the clock untrustworthy
     */
    record Untrusted(Instant now, String why) implements ClockReading {}
}
