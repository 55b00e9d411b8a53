package org.latchkey.access;

import org.latchkey.store.TimeFloor;
import org.latchkey.token.ClockReading;
import org.latchkey.token.Rfc3339;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Whether the door trusts its wall clock (docs/token-profile.md, Time): NTP-synchronised since boot
 * (or a battery-backed RTC declared) and not behind the persisted time floor. No token moves it: a
 * token issued ahead of a trusted clock is refused instead.
 */
public final class ClockTrust {
    /** systemd-timesyncd creates this once the clock is synchronised. */
    public static final Path TIMESYNC_FLAG = Path.of("/run/systemd/timesync/synchronized");

    private final InstantSource clock;
    private final TimeFloor floor;
    private final Path syncFlag;
    private final boolean rtc;

    public ClockTrust(InstantSource clock, TimeFloor floor, Path syncFlag, boolean rtc) {
        this.clock = clock;
        this.floor = floor;
        this.syncFlag = syncFlag;
        this.rtc = rtc;
    }

    public ClockReading read() {
        Instant now = clock.instant();
        if (floor.damage().isPresent()) {
            return new ClockReading.Untrusted(
                    now, floor.get(), "the time floor could not be read at start");
        }
        if (!rtc && !Files.exists(syncFlag)) {
            return new ClockReading.Untrusted(
                    now, floor.get(), "not synchronised by NTP since boot");
        }
        if (now.isBefore(floor.get())) {
            return new ClockReading.Untrusted(
                    now,
                    floor.get(),
                    "it reads earlier than the time floor " + Rfc3339.format(floor.get()));
        }
        return new ClockReading.Trusted(now);
    }

    public boolean trusted() {
        return read() instanceof ClockReading.Trusted;
    }

    /**
     * Moves the persisted floor up to now, only while the clock is trusted.
     *
     * @return the floor, when a trusted clock has just confirmed it
     */
    public java.util.Optional<Instant> persistFloor() throws IOException {
        if (read() instanceof ClockReading.Trusted t) {
            floor.advance(t.now());
            return java.util.Optional.of(floor.get());
        }
        return java.util.Optional.empty();
    }
}
