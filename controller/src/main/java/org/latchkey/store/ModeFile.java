package org.latchkey.store;

import org.tinylog.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The operating mode the owner last chose ({@code normal} or {@code privacy}), persisted
 * crash-safely, so a restart (SIGTERM or a power cut) never quietly reopens a door that was set to
 * privacy.
 */
public final class ModeFile {
    public static final String FILE = "mode";
    private static final Set<String> MODES = Set.of("normal", "privacy");

    private final Storage storage;
    private final Path file;

    public ModeFile(Storage storage, Path stateDir) {
        this.storage = storage;
        this.file = stateDir.resolve(FILE);
    }

    /**
     * The persisted mode, if any. A file that cannot be read counts as {@code privacy}: the
     * stricter mode, until the owner chooses again.
     */
    public Optional<String> load() {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).strip();
            if (MODES.contains(text)) {
                return Optional.of(text);
            }
            Logger.error(
                    "{} holds neither normal nor privacy: the door starts in privacy mode", file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            Logger.error(
                    "{} cannot be read ({}): the door starts in privacy mode",
                    file,
                    e.getMessage());
        }
        return Optional.of("privacy");
    }

    public void save(String mode) throws IOException {
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException(mode);
        }
        storage.replace(file, (mode + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
