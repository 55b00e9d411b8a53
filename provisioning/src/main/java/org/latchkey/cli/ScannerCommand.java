package org.latchkey.cli;

import org.latchkey.config.DeviceConfig;
import org.latchkey.scanner.ScannerDevice;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(
        name = "scanner",
        mixinStandardHelpOptions = true,
        description = "The door's QR scanner: give latchkeyd (and nobody else) access to it.")
final class ScannerCommand {
    static final String RULES_FILE = "70-latchkey-scanner.rules";

    @Command(
            name = "setup",
            mixinStandardHelpOptions = true,
            description =
                    "Write a udev rule that gives the latchkey group read access to this one"
                            + " scanner (matched by its USB vendor and product id; in keyboard"
                            + " mode only its typing node), and apply it. Plug the scanner in"
                            + " first. Run as root. Exit 0 when the rule is in place.")
    static final class Setup implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(
                names = "--device",
                paramLabel = "PATH",
                description =
                        "The scanner: /dev/ttyACM0 (serial mode) or"
                                + " /dev/input/by-id/usb-…-event-kbd (keyboard mode). Default:"
                                + " [scanner] device of --config.")
        Path device;

        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "The door's latchkey.toml, for its [scanner] device.")
        Path config;

        @Option(
                names = "--rules-dir",
                paramLabel = "DIR",
                defaultValue = "/etc/udev/rules.d",
                description = "Where udev reads local rules (default: ${DEFAULT-VALUE}).")
        Path rulesDir;

        /** The kernel's /sys/dev/char; a test's folder shaped like it. */
        @Option(names = "--sys-dev-char", hidden = true, defaultValue = "/sys/dev/char")
        Path sysDevChar;

        @Option(
                names = "--no-apply",
                description = "Write the rule only; do not ask udev to reload and apply it.")
        boolean noApply;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Path scanner = device();
            ScannerDevice devices = new ScannerDevice(sysDevChar);
            ScannerDevice.Kind kind;
            try {
                kind = devices.kindOf(scanner);
            } catch (NoSuchFileException e) {
                throw CliException.failed(
                        scanner
                                + " is not there: plug the scanner in (ls /dev/input/by-id"
                                + " /dev/serial/by-id shows what is)");
            }
            String subsystem;
            String kernel;
            String match;
            String kindName;
            switch (kind) {
                case ScannerDevice.Kind.Refused r -> throw CliException.failed(r.why());
                case ScannerDevice.Kind.Keyboard k -> {
                    subsystem = "input";
                    kernel = "event*";
                    match = "ENV{ID_INPUT_KEYBOARD}==\"1\", ";
                    kindName = "keyboard";
                }
                case ScannerDevice.Kind.Serial s -> {
                    if (!ScannerDevice.isCharacterDevice(scanner)) {
                        throw CliException.failed(
                                scanner + " is not a device (a file or a pipe): nothing to set up");
                    }
                    subsystem = "tty";
                    kernel = "ttyACM*|ttyUSB*";
                    match = "";
                    kindName = "serial";
                }
            }
            ScannerDevice.DeviceId id =
                    devices.deviceId(scanner)
                            .orElseThrow(
                                    () ->
                                            CliException.failed(
                                                    scanner
                                                            + " has no vendor and product id a udev"
                                                            + " rule could match (not on USB?):"
                                                            + " give the latchkey group access your"
                                                            + " own way"));
            String rule =
                    template()
                            .replace("@NAME@", id.name().isEmpty() ? "unnamed" : id.name())
                            .replace("@KIND@", kindName)
                            .replace("@SUBSYSTEM@", subsystem)
                            .replace("@KERNEL@", kernel)
                            .replace("@MATCH@", match)
                            .replace("@IDS@", id.udevMatch());
            Path file = rulesDir.resolve(RULES_FILE);
            try {
                Files.createDirectories(rulesDir);
                Path tmp = Files.createTempFile(rulesDir, "." + RULES_FILE, ".tmp");
                Files.writeString(tmp, rule, StandardCharsets.US_ASCII);
                Files.setPosixFilePermissions(
                        tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                Files.move(
                        tmp,
                        file,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AccessDeniedException e) {
                throw CliException.failed(
                        "cannot write " + file + ": run as root (sudo latchkey scanner setup)");
            }
            out.println(
                    "wrote "
                            + file
                            + ": "
                            + kindName
                            + "-mode scanner "
                            + id.vendor()
                            + ":"
                            + id.product()
                            + (id.name().isEmpty() ? "" : " (" + Terminal.escape(id.name()) + ")")
                            + ", group latchkey, read-only, also /dev/latchkey-scanner");
            if (!noApply) {
                apply(subsystem, out);
            }
            if (kind instanceof ScannerDevice.Kind.Keyboard) {
                out.println(
                        "note: while latchkeyd does not hold the scanner (boot, restart), a scan"
                                + " types into the console's login prompt on tty1; on a door"
                                + " without a screen: sudo systemctl mask getty@tty1"
                                + " (docs/wiring.md, Keyboard-mode scanners)");
            }
            if (config == null || !scanner.isAbsolute()) {
                out.println("in latchkey.toml: [scanner] device = \"" + scanner + "\"");
            }
            out.println("then: sudo systemctl restart latchkeyd");
            return ExitCode.OK;
        }

        private Path device() throws CliException {
            if (device != null) {
                return device;
            }
            if (config == null) {
                throw CliException.usage(
                        "name the scanner: --device PATH, or --config FILE with a [scanner]"
                                + " section");
            }
            DeviceConfig c = DeviceConfigs.load(config);
            return c.scanner()
                    .orElseThrow(
                            () ->
                                    CliException.usage(
                                            config
                                                    + " has no [scanner] section: add --device"
                                                    + " PATH"))
                    .device();
        }

        /**
         * udev reloads its rules and replays the scanner's add, so the group and link appear now.
         */
        private static void apply(String subsystem, PrintWriter out) throws InterruptedException {
            List<List<String>> steps =
                    List.of(
                            List.of("udevadm", "control", "--reload-rules"),
                            List.of(
                                    "udevadm",
                                    "trigger",
                                    "--action=change",
                                    "--subsystem-match=" + subsystem,
                                    "--settle"));
            for (List<String> step : steps) {
                try {
                    Process p = new ProcessBuilder(step).redirectErrorStream(true).start();
                    String said =
                            new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                                    .trim();
                    if (p.waitFor() != 0) {
                        out.println(
                                "warning: "
                                        + String.join(" ", step)
                                        + " failed"
                                        + (said.isEmpty() ? "" : ": " + Terminal.escape(said))
                                        + "; replug the scanner to apply the rule");
                        return;
                    }
                } catch (IOException e) {
                    out.println("warning: udevadm not found; replug the scanner to apply the rule");
                    return;
                }
            }
            out.println("udev reloaded its rules and applied them");
        }

        private static String template() throws IOException {
            try (InputStream in = ScannerCommand.class.getResourceAsStream(RULES_FILE + ".in")) {
                return new String(
                        Optional.ofNullable(in).orElseThrow().readAllBytes(),
                        StandardCharsets.US_ASCII);
            }
        }
    }
}
