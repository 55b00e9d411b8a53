package org.latchkey.token;

import java.time.Instant;

/**
 * The door's wall clock at the moment of a check, and whether it may be believed
 * (docs/token-profile.md, Time).
 */
public sealed interface ClockReading {
    Instant now();

    /**
     * How far the one-time store's compaction went: a {@code once} token that expired before it may
     * have lost its record, so it counts as expired whatever the clock says.
     */
    Instant horizon();

    /**
     * The time a token's expiry is checked against. For a {@code once} token, the latest moment
     * known to have passed — the clock, the time floor a trusted clock reached, the compaction
     * horizon: setting the clock back, or losing the floor, never revives a once token whose record
     * may be gone. For a {@code window} token, the clock as it reads: no record is at stake, and a
     * floor that is wrong (a clock accident) must not lock the owner out for longer than the
     * accident lasts.
     */
    Instant expiryClock(Use use);

    /**
     * NTP-synchronised (or a battery-backed clock), not behind the time floor, not jumped ahead.
     */
    record Trusted(Instant now, Instant horizon) implements ClockReading {
        /** A trusted clock with nothing compacted (tools, tests). */
        public Trusted(Instant now) {
            this(now, Instant.EPOCH);
        }

        @Override
        public Instant expiryClock(Use use) {
            return use == Use.ONCE ? latest(now, horizon) : now;
        }
    }

    /**
     * @param floor the time floor: the latest time a trusted clock reached
     * @param why for people: what makes the clock untrustworthy
     */
    record Untrusted(Instant now, Instant floor, Instant horizon, String why)
            implements ClockReading {
        public Untrusted(Instant now, Instant floor, String why) {
            this(now, floor, Instant.EPOCH, why);
        }

        @Override
        public Instant expiryClock(Use use) {
            return use == Use.ONCE ? latest(latest(now, floor), horizon) : now;
        }
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
