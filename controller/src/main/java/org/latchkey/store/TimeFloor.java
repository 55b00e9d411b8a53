package org.latchkey.store;

import org.tinylog.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The latest wall-clock time the door has seen, persisted and never moving backwards. A clock that
 * reads earlier (fake-hwclock after a power cut) is not trusted. A floor file that cannot be read
 * is kept aside and the clock stays untrusted for this run: nobody can tell how far back it may be.
 */
public final class TimeFloor {
    public static final String FILE = "time-floor";

    /** The last second of year 9999: tokens carry four-digit years, so no floor can be later. */
    static final long LATEST = 253402300799L;

    private final Storage storage;
    private final Path file;
    private final Optional<Damage> damage;
    private Instant floor;

    private TimeFloor(Storage storage, Path file, Instant floor, Optional<Damage> damage) {
        this.storage = storage;
        this.file = file;
        this.floor = floor;
        this.damage = damage;
    }

    public static TimeFloor open(Storage storage, Path stateDir) {
        Path file = stateDir.resolve(FILE);
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).strip();
        } catch (NoSuchFileException e) {
            return new TimeFloor(storage, file, Instant.EPOCH, Optional.empty());
        } catch (IOException e) {
            return damaged(storage, file, "cannot be read (" + e.getMessage() + ")");
        }
        if (text.matches("\\d{1,12}") && Long.parseLong(text) <= LATEST) {
            return new TimeFloor(
                    storage, file, Instant.ofEpochSecond(Long.parseLong(text)), Optional.empty());
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
        Logger.error("{} {}: the clock is not trusted until the next start", file, problem);
        return new TimeFloor(
                storage,
                file,
                Instant.EPOCH,
                Optional.of(new Damage(file.toString(), keptAs, problem)));
    }

    public synchronized Instant get() {
        return floor;
    }

    /** Set when the floor could not be read: the clock must not be trusted on this run. */
    public Optional<Damage> damage() {
        return damage;
    }

    /** Raises the floor to {@code now} if that is later; persisted crash-safely. */
    public synchronized void advance(Instant now) throws IOException {
        if (!now.isAfter(floor) || now.getEpochSecond() > LATEST) {
            return;
        }
        storage.replace(file, (now.getEpochSecond() + "\n").getBytes(StandardCharsets.US_ASCII));
        floor = Instant.ofEpochSecond(now.getEpochSecond());
    }
}
