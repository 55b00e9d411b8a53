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
 * Never a file another init or a person put there since.
 */
final class HalfMadeSetup {
    private final Path config;
    private final Map<Path, Object> keyFiles = new HashMap<>();

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

    /** Takes back what this init made, under the config's lock; says why when it could not. */
    Optional<String> takeBack(String configText) {
        if (keyFiles.isEmpty()) {
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
