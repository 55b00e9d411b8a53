package org.latchkey.cli;

import org.latchkey.config.ConfigException;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.DeviceConfigLoader;
import org.latchkey.store.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Edits {@code latchkey.toml} as text, so its comments survive: every new text is loaded and
 * validated in full before it replaces the file, atomically.
 */
final class ConfigFile {
    private ConfigFile() {}

    static String read(Path file) throws CliException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliException.failed(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Validates the new text as a whole config and, only if it passes, replaces the file. */
    static DeviceConfig replace(Path file, String text) throws CliException {
        DeviceConfig config;
        try {
            config = DeviceConfigLoader.parse(file, text);
        } catch (ConfigException e) {
            throw CliException.failed("not changed: " + e.getMessage());
        }
        try {
            AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw CliException.failed(file + ": cannot write: " + e.getMessage());
        }
        return config;
    }
}
