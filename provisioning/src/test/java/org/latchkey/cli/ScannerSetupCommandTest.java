package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The udev rule for one scanner. The machine has no input devices, so the device is /dev/null (a
 * real character device, 1:3) and the sysfs entry for 1:3 is a test folder shaped like a USB
 * scanner's.
 */
class ScannerSetupCommandTest {
    @TempDir Path dir;

    final CliRun cli = new CliRun();

    /** /sys/dev/char/1:3 → a node under a USB device with ids and names. */
    private Path sys(String subsystem, String node, String keys) throws Exception {
        Path usb = Files.createDirectories(dir.resolve("sys/devices/usb1/1-1"));
        Files.writeString(usb.resolve("idVendor"), "0c2e\n");
        Files.writeString(usb.resolve("idProduct"), "0b61\n");
        Files.writeString(usb.resolve("manufacturer"), "Honeywell\n");
        Files.writeString(usb.resolve("product"), "1900g\u001b[2J\n");
        Path input = Files.createDirectories(usb.resolve("1-1:1.0/input/input7"));
        Path device = Files.createDirectories(input.resolve(node));
        Path cls = Files.createDirectories(dir.resolve("sys/class").resolve(subsystem));
        Files.createSymbolicLink(device.resolve("subsystem"), cls);
        Files.createSymbolicLink(device.resolve("device"), input);
        Files.createDirectories(input.resolve("capabilities"));
        Files.createDirectories(input.resolve("id"));
        Files.writeString(input.resolve("id/vendor"), "0c2e\n");
        Files.writeString(input.resolve("id/product"), "0b61\n");
        Files.writeString(input.resolve("name"), "Honeywell 1900g\u001b[2J\n");
        Files.writeString(input.resolve("capabilities/key"), keys + "\n");
        Path dev = Files.createDirectories(dir.resolve("sys/dev/char"));
        Files.createSymbolicLink(dev.resolve("1:3"), device);
        return dev;
    }

    private CliRun.Result setup(Path sysDevChar) {
        return cli.run(
                "scanner",
                "setup",
                "--device",
                "/dev/null",
                "--rules-dir",
                dir.resolve("rules.d").toString(),
                "--sys-dev-char",
                sysDevChar.toString(),
                "--no-apply");
    }

    @Test
    void keyboardMode_theRuleNamesThisScannersTypingNode_forTheLatchkeyGroupOnly()
            throws Exception {
        CliRun.Result r =
                setup(
                        sys(
                                "input",
                                "event4",
                                "1000000000007 ff800000000007ff febeffdff3cfffff"
                                        + " fffffffffffffffe"));
        assertEquals(0, r.code(), r.out() + r.err());
        String rule = Files.readString(dir.resolve("rules.d/70-latchkey-scanner.rules"));
        assertTrue(
                rule.contains(
                        "ACTION==\"add|change\", SUBSYSTEM==\"input\", KERNEL==\"event*\","
                                + " ENV{ID_INPUT_KEYBOARD}==\"1\", ATTRS{id/vendor}==\"0c2e\","
                                + " ATTRS{id/product}==\"0b61\", GROUP=\"latchkey\", MODE=\"0640\","
                                + " SYMLINK+=\"latchkey-scanner\""),
                rule);
        assertFalse(rule.contains("\u001b"), "a device's name cannot put escapes into the file");
        assertFalse(rule.contains("GROUP=\"input\""));
        assertEquals(
                "rw-r--r--",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(
                                dir.resolve("rules.d/70-latchkey-scanner.rules"))));
        assertTrue(r.out().contains("keyboard-mode scanner 0c2e:0b61"), r.out());
        assertTrue(
                r.out().contains("systemctl mask getty@tty1"),
                "the grab's window is named: " + r.out());
        assertTrue(r.out().contains("[scanner] device = \"/dev/null\""), r.out());
    }

    @Test
    void serialMode_theRuleNamesTheTty() throws Exception {
        CliRun.Result r = setup(sys("tty", "ttyACM0", "0"));
        assertEquals(0, r.code(), r.out() + r.err());
        String rule = Files.readString(dir.resolve("rules.d/70-latchkey-scanner.rules"));
        assertTrue(
                rule.contains(
                        "SUBSYSTEM==\"tty\", KERNEL==\"ttyACM*|ttyUSB*\","
                                + " ATTRS{idVendor}==\"0c2e\""),
                rule);
        assertFalse(r.out().contains("getty"), "no keystrokes in serial mode");
    }

    @Test
    void aDeviceThatIsNotAKeyboard_isRefused_andNothingIsWritten() throws Exception {
        CliRun.Result r = setup(sys("input", "event5", "70000 0 0 0 0"));
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("not a keyboard"), r.err());
        assertFalse(Files.exists(dir.resolve("rules.d/70-latchkey-scanner.rules")));
    }

    @Test
    void noDevice_saysHowToNameOne() {
        CliRun.Result r = cli.run("scanner", "setup", "--rules-dir", dir.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--device PATH"), r.err());
        CliRun.Result gone =
                cli.run(
                        "scanner",
                        "setup",
                        "--device",
                        dir.resolve("gone").toString(),
                        "--rules-dir",
                        dir.toString());
        assertEquals(1, gone.code());
        assertTrue(gone.err().contains("plug the scanner in"), gone.err());
    }
}
