package org.latchkey.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the door keeps its state: from {@code --state-dir}, or the config's {@code state_dir}. */
final class StateDirOption {
    static final Path DEFAULT_CONFIG = Path.of("/etc/latchkey/latchkey.toml");

    @ArgGroup(exclusive = true)
    Choice choice = new Choice();

    static final class Choice {
        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "The door's latchkey.toml (default: /etc/latchkey/latchkey.toml).")
        Path config;

        @Option(
                names = "--state-dir",
                paramLabel = "DIR",
                description = "The state directory itself.")
        Path stateDir;
    }

    /** The zone the door's times are in: its config's, or this machine's with --state-dir. */
    LocalTimes.Zone zone() throws CliException {
        if (choice.stateDir != null) {
            return LocalTimes.Zone.machine();
        }
        Path config = choice.config != null ? choice.config : DEFAULT_CONFIG;
        return LocalTimes.Zone.door(DeviceConfigs.load(config).zone());
    }

    Path resolve() throws CliException {
        if (choice.stateDir != null) {
            return choice.stateDir;
        }
        Path config = choice.config != null ? choice.config : DEFAULT_CONFIG;
        return DeviceConfigs.load(config).stateDir();
    }
}
