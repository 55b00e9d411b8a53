package org.latchkey.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a first {@code init} made, so that a setup failing half-way (the door key could not be made,
 * say) can take it back and running init again is not refused as "a setup already exists" — and
 * only what it made: the key files by identity (remembered under the config's lock, as they were
 * written), the config only while it still holds this init's text (which names its new owner key).
 * Never a file another init or a person put there since. With {@code --force}, the files of the
 * setup before it, set aside by {@link #setAside}, are put back in their places.
 */
final class HalfMadeSetup {
    private final Path config;
    private final Map<Path, Object> keyFiles = new HashMap<>();
    private final Map<Path, Path> setAside = new java.util.LinkedHashMap<>();

    HalfMadeSetup(Path config) {
        this.config = config;
    }

    /** A key file this init has just written, if it is there. */
    void keyFile(Path file) {
        try {
            Object identity = identity(file);
            if (identity != null) { // else it cannot be told from another: left alone
                keyFiles.put(file, identity);
            }
        } catch (IOException e) {
            // not written
        }
    }

    /**
     * Moves a file of the setup before this one aside, as {@code NAME.replaced-STAMP} (or {@code
     * -2}, {@code -3}… when two inits ran within the same second), under the config's lock.
     */
    void setAside(Path file, String stamp) throws java.io.IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".replaced-" + stamp);
        for (int n = 2; Files.exists(aside, LinkOption.NOFOLLOW_LINKS); n++) {
            aside = file.resolveSibling(file.getFileName() + ".replaced-" + stamp + "-" + n);
        }
        Files.move(file, aside);
        setAside.put(file, aside);
    }

    /** Whether this init changed anything yet (then a failure takes it back). */
    boolean changedAnything() {
        return !keyFiles.isEmpty() || !setAside.isEmpty();
    }

    /** Takes back what this init made, under the config's lock; says why when it could not. */
    Optional<String> takeBack(String configText) {
        if (!changedAnything()) {
            return Optional.empty(); // nothing written yet: the config comes after the keys
        }
        try {
            ConfigFile.locked(
                    config,
                    "init",
                    () -> {
                        for (Map.Entry<Path, Object> made : keyFiles.entrySet()) {
                            if (Files.exists(made.getKey(), LinkOption.NOFOLLOW_LINKS)
                                    && made.getValue().equals(identity(made.getKey()))) {
                                Files.delete(made.getKey());
                            }
                        }
                        if (Files.isRegularFile(config, LinkOption.NOFOLLOW_LINKS)
                                && Files.size(config)
                                        == configText.getBytes(StandardCharsets.UTF_8).length
                                && Files.readString(config).equals(configText)) {
                            Files.delete(config);
                        }
                        for (Map.Entry<Path, Path> aside : setAside.entrySet()) {
                            if (!Files.exists(aside.getKey(), LinkOption.NOFOLLOW_LINKS)) {
                                Files.move(aside.getValue(), aside.getKey());
                            }
                        }
                    });
            return Optional.empty();
        } catch (CliException | RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    private static Object identity(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
    }
}
