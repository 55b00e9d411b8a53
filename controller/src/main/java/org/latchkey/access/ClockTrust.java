package org.latchkey.access;

import org.latchkey.store.BootTime;
import org.latchkey.store.TimeFloor;
import org.latchkey.token.ClockReading;
import org.latchkey.token.Rfc3339;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether the door trusts its wall clock (docs/token-profile.md, Time). All must hold: the time
 * floor was read (or an owner reset it); the clock is NTP-synchronised since boot (or a
 * battery-backed clock was declared); it does not read earlier than the floor; and it has not run
 * ahead of the time that truly passed — since the anchor, by the boot clock (which no wall-clock
 * step moves), plus the skew; across a reboot, by at most {@code [clock] max_offline}. The anchor
 * is the first trusted reading of this boot (or the floor's, when the floor was confirmed in this
 * boot, or an owner's reset) and it stays put: were it the last reading, steps each just under the
 * skew would add up. So a step of a synchronised clock is untrusted at the reading that sees it,
 * and can never drag the floor (or the one-time store's compaction) ahead. No token moves any of
 * this.
 */
public final class ClockTrust {
    /** systemd-timesyncd creates this once the clock is synchronised. */
    public static final Path TIMESYNC_FLAG = Path.of("/run/systemd/timesync/synchronized");

    /** How the door's clock is judged. */
    public record Settings(
            Path syncFlag, boolean assumedSynced, Duration skew, Duration maxOffline) {}

    private final InstantSource clock;
    private final Supplier<BootTime> boot;
    private final TimeFloor floor;
    private final Supplier<Instant> horizon;
    private final Settings settings;

    /**
     * The anchor: a wall time believed, and where in which boot it held. The clock may read at most
     * the time passed since, plus the skew, ahead of it.
     */
    private Instant anchorWall;

    private BootTime anchorBoot;

    /**
     * @param horizon how far the one-time store's compaction went
     */
    public ClockTrust(
            InstantSource clock,
            Supplier<BootTime> boot,
            TimeFloor floor,
            Supplier<Instant> horizon,
            Settings settings) {
        this.clock = clock;
        this.boot = boot;
        this.floor = floor;
        this.horizon = horizon;
        this.settings = settings;
    }

    public synchronized ClockReading read() {
        Instant now = clock.instant();
        BootTime at = boot.get();
        Optional<String> why = distrust(now, at);
        if (why.isPresent()) {
            return new ClockReading.Untrusted(now, floor.get(), horizon.get(), why.get());
        }
        if (anchorBoot == null || !anchorBoot.sameBoot(at)) {
            Optional<BootTime> floorAt = floor.confirmedAt().filter(b -> b.sameBoot(at));
            anchorWall = floorAt.isPresent() ? floor.get() : now;
            anchorBoot = floorAt.orElse(at);
        }
        return new ClockReading.Trusted(now, horizon.get());
    }

    private Optional<String> distrust(Instant now, BootTime at) {
        if (floor.damage().isPresent()) {
            return Optional.of("the time floor " + floor.damage().get().problem());
        }
        if (!settings.assumedSynced() && !Files.exists(settings.syncFlag())) {
            return Optional.of("not synchronised by NTP since boot");
        }
        if (now.isBefore(floor.get())) {
            return Optional.of(
                    "it reads earlier than the time floor " + Rfc3339.format(floor.get()));
        }
        Optional<Instant> limit = latestBelievable(at);
        if (limit.isPresent() && now.isAfter(limit.get())) {
            return Optional.of(
                    "it reads "
                            + Rfc3339.format(now)
                            + ", "
                            + human(Duration.between(limit.get(), now))
                            + " ahead of the time that passed since it was last trusted: a clock"
                            + " jump (it is trusted again once it reads right, or after latchkey"
                            + " clock reset)");
        }
        return Optional.empty();
    }

    /**
     * The latest wall time the clock may read now: the anchor plus the time that passed since by
     * the boot clock (and the skew); after a reboot, the floor plus {@code max_offline}; nothing on
     * a first start.
     */
    private Optional<Instant> latestBelievable(BootTime at) {
        Instant wall;
        BootTime then;
        if (anchorBoot != null) {
            wall = anchorWall;
            then = anchorBoot;
        } else if (floor.confirmedAt().isPresent()) {
            wall = floor.get();
            then = floor.confirmedAt().get();
        } else if (floor.firstStart()) {
            return Optional.empty(); // nothing to compare with
        } else if (floor.get().equals(Instant.EPOCH)) {
            // A floor of 0 beside the door's records: no first start, whatever the file says.
            return Optional.of(floor.lastSeen().plus(settings.maxOffline()));
        } else {
            return Optional.of(floor.get().plus(settings.maxOffline()));
        }
        if (then.sameBoot(at)) {
            // On the anchor's line, whichever side of the anchor: a floor recorded on the line
            // while the clock ran ahead (within the skew) carries a boot time ahead of the boot
            // clock, and read as "no time passed" it let a restart add another skew each time (a
            // clock stepped 30 s ahead three times moved the floor 90 s ahead;
            // ClockPropertiesTest).
            Duration passed = at.sinceBoot().minus(then.sinceBoot());
            return Optional.of(wall.plus(passed).plus(settings.skew()));
        }
        return Optional.of(floor.get().plus(settings.maxOffline()));
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        return s >= 86400
                ? s / 86400 + " d"
                : s >= 3600 ? s / 3600 + " h" : s >= 60 ? s / 60 + " min" : s + " s";
    }

    public boolean trusted() {
        return read() instanceof ClockReading.Trusted;
    }

    /**
     * Moves the persisted floor up to now, only while the clock is trusted.
     *
     * @return the floor, when a trusted clock has just confirmed it
     */
    public synchronized Optional<Instant> persistFloor() throws IOException {
        if (read() instanceof ClockReading.Trusted t) {
            floor.advance(t.now(), onAnchorLine(t.now()));
            return Optional.of(floor.get());
        }
        return Optional.empty();
    }

    /**
     * An owner vouched that the time is now (a clock reset, verified by the caller): the floor
     * becomes now, lower than before if it was wrong, and a missing or damaged floor is mended. The
     * compaction horizon stays where it is, so no used once token opens again.
     */
    public synchronized Instant reset() throws IOException {
        Instant now = clock.instant();
        BootTime at = boot.get();
        floor.reset(now, at);
        anchorWall = now;
        anchorBoot = at;
        return now;
    }

    /**
     * Where in this boot the wall time {@code now} lies on the anchor's line: recorded with the
     * floor, so that a restart in the same boot measures from the anchor still (were it the moment
     * of the reading, each restart could add a skew).
     */
    private BootTime onAnchorLine(Instant now) {
        Duration since = anchorBoot.sinceBoot().plus(Duration.between(anchorWall, now));
        return new BootTime(anchorBoot.bootId(), since.isNegative() ? Duration.ZERO : since);
    }

    public Instant floor() {
        return floor.get();
    }
}
