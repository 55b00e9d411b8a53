package org.latchkey.cli;

import org.latchkey.config.DeviceConfig;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --config FILE}, the door's latchkey.toml: a mixin for every command that works on a door's
 * config.
 */
final class ConfigOption {
    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "The door's latchkey.toml.")
    Path file;

    /** Loads it; a bad file fails the command with the loader's precise message. */
    DeviceConfig load() throws CliException {
        return DeviceConfigs.load(file);
    }

    @Override
    public String toString() {
        return String.valueOf(file);
    }
}
