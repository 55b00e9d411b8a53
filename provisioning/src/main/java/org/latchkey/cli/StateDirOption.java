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
        return device().map(d -> LocalTimes.Zone.door(d.zone()))
                .orElseGet(LocalTimes.Zone::machine);
    }

    Path resolve() throws CliException {
        return choice.stateDir != null ? choice.stateDir : device().orElseThrow().stateDir();
    }

    /** The door's config, read once for both; none with --state-dir. */
    private java.util.Optional<org.latchkey.config.DeviceConfig> device() throws CliException {
        if (choice.stateDir != null) {
            return java.util.Optional.empty();
        }
        if (loaded == null) {
            loaded = DeviceConfigs.load(choice.config != null ? choice.config : DEFAULT_CONFIG);
        }
        return java.util.Optional.of(loaded);
    }

    private org.latchkey.config.DeviceConfig loaded;
}
