package org.latchkey.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.latchkey.store.TimeFloor;

/**
 * Whether the door trusts its wall clock (token-profile.md, Time): NTP synchronised since boot (or a
 * battery-backed RTC declared), not behind the persisted time floor, and no verified token issued more
 * than the skew ahead of it.
 */
public final class ClockTrust {
    /** systemd-timesyncd creates this once the clock is synchronised. */
    public static final Path TIMESYNC_FLAG = Path.of("/run/systemd/timesync/synchronized");

    private final InstantSource clock;
    private final TimeFloor floor;
    private final Path syncFlag;
    private final boolean rtc;
    private final Duration skew;
    private volatile Instant untrustedUntil = Instant.MIN;

    public ClockTrust(InstantSource clock, TimeFloor floor, Path syncFlag, boolean rtc, Duration skew) {
        this.clock = clock;
        this.floor = floor;
        this.syncFlag = syncFlag;
        this.rtc = rtc;
        this.skew = skew;
    }

    public boolean trusted() {
        Instant now = clock.instant();
        return (rtc || Files.exists(syncFlag)) && !now.isBefore(floor.get()) && !now.isBefore(untrustedUntil);
    }

    /** A verified token's iat lies ahead of the clock: the clock is behind; distrust it until it catches up. */
    public void issuedAhead(Instant iat) {
        Instant until = iat.minus(skew);
        if (until.isAfter(untrustedUntil)) {
            untrustedUntil = until;
        }
    }

    /** Moves the persisted floor up to now, only while the clock is trusted. */
    public void persistFloor() throws IOException {
        if (trusted()) {
            floor.advance(clock.instant());
        }
    }
}
