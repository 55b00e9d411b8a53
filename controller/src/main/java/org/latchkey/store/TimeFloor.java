package org.latchkey.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The latest wall-clock time the door has seen, persisted and never moving backwards. A clock that reads
 * earlier (fake-hwclock after a power cut) is not trusted.
 */
public final class TimeFloor {
    static final String FILE = "time-floor";

    private final Path file;
    private Instant floor;

    private TimeFloor(Path file, Instant floor) {
        this.file = file;
        this.floor = floor;
    }

    public static TimeFloor open(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        Instant floor = Instant.EPOCH;
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            try {
                floor = Instant.ofEpochSecond(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw new IOException(file + " is damaged: '" + text + "' is not a time", e);
            }
        }
        return new TimeFloor(file, floor);
    }

    public synchronized Instant get() {
        return floor;
    }

    /** Raises the floor to {@code now} if that is later; persisted crash-safely. */
    public synchronized void advance(Instant now) throws IOException {
        if (!now.isAfter(floor)) {
            return;
        }
        AtomicFiles.write(file, (now.getEpochSecond() + "\n").getBytes(StandardCharsets.US_ASCII));
        floor = Instant.ofEpochSecond(now.getEpochSecond());
    }
}
