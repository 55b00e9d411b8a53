package org.latchkey.cli;

import org.latchkey.config.ConfigException;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.DeviceConfigLoader;

import java.nio.file.Path;

/**
 * Loads a door's config for a command: a bad file fails the command with the loader's precise
 * message.
 */
final class DeviceConfigs {
    private DeviceConfigs() {}

    /** The config {@code text} as it would load from {@code file}. */
    static DeviceConfig parse(Path file, String text) throws CliException {
        try {
            return DeviceConfigLoader.parse(file, text);
        } catch (ConfigException e) {
            throw CliException.failed(e.getMessage());
        }
    }

    static DeviceConfig load(Path file) throws CliException {
        try {
            return DeviceConfigLoader.load(file);
        } catch (ConfigException e) {
            throw CliException.failed(e.getMessage());
        }
    }
}
