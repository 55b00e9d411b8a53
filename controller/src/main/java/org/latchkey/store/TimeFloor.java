package org.latchkey.store;

import org.tinylog.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The latest wall-clock time the door has confirmed with a trusted clock, persisted and never
 * moving backwards (but for an owner's {@code clock reset}), with the boot and the moment of that
 * boot it was confirmed at — so that a later reading can tell how much time truly passed.
 *
 * <p>A clock that reads earlier than the floor (fake-hwclock after a power cut) is not trusted. A
 * floor file that cannot be read is kept aside, and one that is missing beside a state directory
 * with history (a one-time store or an audit log) is damage too, not a first start: either way the
 * clock is not trusted until an owner resets it (a floor rewound to the epoch would let the clock
 * be trusted at any time it reads).
 */
public final class TimeFloor {
    public static final String FILE = "time-floor";

    /** The last second of year 9999: tokens carry four-digit years, so no floor can be later. */
    static final long LATEST = 253402300799L;

    /** {@code <seconds>} (earlier releases), or {@code <seconds> <boot id> <ms since boot>}. */
    private static final Pattern LINE =
            Pattern.compile("(\\d{1,12})(?: ([0-9a-f-]{1,64}) (\\d{1,15}))?");

    private final Storage storage;
    private final Path file;
    private Optional<Damage> damage;
    private Instant floor;
    private Optional<BootTime> at;
    private boolean firstStart;
    private Instant lastSeen = Instant.EPOCH;

    private TimeFloor(
            Storage storage,
            Path file,
            Instant floor,
            Optional<BootTime> at,
            Optional<Damage> damage) {
        this.storage = storage;
        this.file = file;
        this.floor = floor;
        this.at = at;
        this.damage = damage;
    }

    /**
     * @param history whether the state directory holds anything a door wrote (a one-time store or
     *     an audit log): a missing floor beside it is damage, not a first start
     * @param lastSeen the time of the audit log's last record (the epoch if none): a floor of 0
     *     beside history is no first start either, and this is then the latest time known
     */
    public static TimeFloor open(
            Storage storage, Path stateDir, boolean history, Instant lastSeen) {
        TimeFloor f = open(storage, stateDir, history);
        f.lastSeen = lastSeen;
        f.firstStart = !history && f.floor.equals(Instant.EPOCH) && f.damage.isEmpty();
        return f;
    }

    private static TimeFloor open(Storage storage, Path stateDir, boolean history) {
        Path file = stateDir.resolve(FILE);
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).strip();
        } catch (NoSuchFileException e) {
            if (!history) {
                // A first start: the floor file exists from now on, so that one missing later can
                // only mean it was lost, never that no floor was written yet.
                try {
                    storage.replace(file, "0\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException notNow) {
                    Logger.warn("{} cannot be written yet: {}", file, notNow.getMessage());
                }
                return new TimeFloor(
                        storage, file, Instant.EPOCH, Optional.empty(), Optional.empty());
            }
            String problem =
                    "is missing, though the state directory holds the door's records: the clock is"
                            + " not trusted until an owner resets it (latchkey clock reset)";
            Logger.error("{} {}", file, problem);
            return new TimeFloor(
                    storage,
                    file,
                    Instant.EPOCH,
                    Optional.empty(),
                    Optional.of(new Damage(file.toString(), "", problem)));
        } catch (IOException e) {
            return damaged(storage, file, "cannot be read (" + e.getMessage() + ")");
        }
        Matcher m = LINE.matcher(text);
        if (m.matches() && Long.parseLong(m.group(1)) <= LATEST) {
            Optional<BootTime> at =
                    m.group(2) == null
                            ? Optional.empty()
                            : Optional.of(
                                    new BootTime(
                                            m.group(2),
                                            Duration.ofMillis(Long.parseLong(m.group(3)))));
            return new TimeFloor(
                    storage,
                    file,
                    Instant.ofEpochSecond(Long.parseLong(m.group(1))),
                    at,
                    Optional.empty());
        }
        return damaged(
                storage,
                file,
                "holds '"
                        + (text.length() > 24 ? text.substring(0, 24) + "…" : text)
                        + "', not a time in seconds up to the year 9999");
    }

    private static TimeFloor damaged(Storage storage, Path file, String problem) {
        Path aside = file.resolveSibling(FILE + ".damaged-" + Instant.now().getEpochSecond());
        String keptAs = "";
        try {
            storage.move(file, aside);
            keptAs = aside.toString();
        } catch (IOException e) {
            problem += "; left in place (" + e.getMessage() + ")";
        }
        problem += ": the clock is not trusted until an owner resets it (latchkey clock reset)";
        Logger.error("{} {}", file, problem);
        return new TimeFloor(
                storage,
                file,
                Instant.EPOCH,
                Optional.empty(),
                Optional.of(new Damage(file.toString(), keptAs, problem)));
    }

    public synchronized Instant get() {
        return floor;
    }

    /** The boot, and the moment of it, at which the floor was last confirmed (if known). */
    public synchronized Optional<BootTime> confirmedAt() {
        return at;
    }

    /**
     * Whether this is a door's first start: no floor was ever confirmed and nothing else in the
     * state directory says a door ran here, so there is nothing to compare the clock with.
     */
    public synchronized boolean firstStart() {
        return firstStart;
    }

    /** The latest time the state directory's records show (see {@link #open}). */
    public synchronized Instant lastSeen() {
        return lastSeen;
    }

    /** Set when the floor was missing or could not be read: the clock must not be trusted. */
    public synchronized Optional<Damage> damage() {
        return damage;
    }

    /** Raises the floor to {@code now} if that is later; persisted crash-safely. */
    public synchronized void advance(Instant now, BootTime boot) throws IOException {
        if (!now.isAfter(floor) || now.getEpochSecond() > LATEST) {
            return;
        }
        write(now, boot);
    }

    /**
     * An owner vouched for the time: the floor becomes {@code now} (lower than before, if the floor
     * was wrong), and a damaged or missing floor is mended.
     */
    public synchronized void reset(Instant now, BootTime boot) throws IOException {
        write(now, boot);
        damage = Optional.empty();
    }

    private void write(Instant now, BootTime boot) throws IOException {
        firstStart = false;
        long seconds = now.getEpochSecond();
        String line =
                seconds
                        + (boot.bootId().isEmpty()
                                ? ""
                                : " " + boot.bootId() + " " + boot.sinceBoot().toMillis());
        storage.replace(file, (line + "\n").getBytes(StandardCharsets.US_ASCII));
        floor = Instant.ofEpochSecond(seconds);
        at = boot.bootId().isEmpty() ? Optional.empty() : Optional.of(boot);
    }
}
