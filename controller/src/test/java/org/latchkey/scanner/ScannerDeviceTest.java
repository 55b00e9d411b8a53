package org.latchkey.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The kind is found from the device's sysfs entry, never from its name. */
class ScannerDeviceTest {
    @TempDir Path sys;

    /** A keyboard's key bits on a 64-bit kernel: Esc to KP-dot and more (from a real keyboard). */
    static final String KEYBOARD_64 =
            "1000000000007 ff800000000007ff febeffdff3cfffff fffffffffffffffe";

    /** The same keyboard's bitmap as a 32-bit kernel prints it. */
    static final String KEYBOARD_32 = "10000000 7 ff800000 7ff febeffdf f3cfffff ffffffff fffffffe";

    /** A mouse: BTN_LEFT, BTN_RIGHT, BTN_MIDDLE only (bits 272–274). */
    static final String MOUSE = "70000 0 0 0 0";

    @Test
    void aTty_isSerial() throws IOException {
        entry(166, 0, "tty", "ttyACM0", null, null);
        assertInstanceOf(
                ScannerDevice.Kind.Serial.class, kinds().kindOf(Path.of("/dev/ttyACM0"), 166, 0));
    }

    @Test
    void anEventNodeWithLetterKeysAndEnter_isAKeyboard_onEitherKernelWordSize() throws IOException {
        entry(13, 64, "input", "event0", KEYBOARD_64, "Honeywell Scanner");
        entry(13, 65, "input", "event1", KEYBOARD_32, "Honeywell Scanner");
        assertInstanceOf(
                ScannerDevice.Kind.Keyboard.class,
                kinds().kindOf(Path.of("/dev/input/event0"), 13, 64));
        assertInstanceOf(
                ScannerDevice.Kind.Keyboard.class,
                kinds().kindOf(Path.of("/dev/input/event1"), 13, 65));
    }

    @Test
    void aMouse_isRefused_namingIt() throws IOException {
        entry(13, 66, "input", "event2", MOUSE, "Logitech USB Optical Mouse\u001b[2J");
        var kind = kinds().kindOf(Path.of("/dev/input/by-id/usb-Logitech-event-mouse"), 13, 66);
        String why = assertInstanceOf(ScannerDevice.Kind.Refused.class, kind).why();
        assertTrue(
                why.contains("Logitech USB Optical Mouse?[2J") && why.contains("not a keyboard"),
                "named, its escape made harmless: " + why);
    }

    @Test
    void aScannersSecondNodeWithoutKeys_isRefused() throws IOException {
        entry(13, 67, "input", "event3", "0", "Scanner Consumer Control");
        var kind = kinds().kindOf(Path.of("/dev/input/event3"), 13, 67);
        assertTrue(
                assertInstanceOf(ScannerDevice.Kind.Refused.class, kind)
                        .why()
                        .contains("-event-kbd"));
    }

    @Test
    void aLegacyInputNode_orAHidrawDevice_isRefused() throws IOException {
        entry(13, 32, "input", "mouse0", null, null);
        entry(244, 0, "hidraw", "hidraw0", null, null);
        String mouse =
                ((ScannerDevice.Kind.Refused) kinds().kindOf(Path.of("/dev/input/mouse0"), 13, 32))
                        .why();
        assertTrue(mouse.contains("not an event node"), mouse);
        String hidraw =
                ((ScannerDevice.Kind.Refused) kinds().kindOf(Path.of("/dev/hidraw0"), 244, 0))
                        .why();
        assertTrue(hidraw.contains("is a hidraw device"), hidraw);
    }

    @Test
    void aDeviceUnknownToSysfs_isRefused() throws IOException {
        assertInstanceOf(
                ScannerDevice.Kind.Refused.class, kinds().kindOf(Path.of("/dev/odd"), 200, 1));
    }

    @Test
    void aPipeIsReadAsLines_aFileIsRefused_andAMissingOne_isNotThere(@TempDir Path dir)
            throws Exception {
        Path file = Files.writeString(dir.resolve("scanner"), "v4.public.x\n");
        assertTrue(
                assertInstanceOf(ScannerDevice.Kind.Refused.class, kinds().kindOf(file))
                        .why()
                        .contains("is not a device"),
                "a file would be presented again every second");
        Path fifo = dir.resolve("fifo");
        Runtime.getRuntime().exec(new String[] {"mkfifo", fifo.toString()}).waitFor();
        assertInstanceOf(ScannerDevice.Kind.Serial.class, kinds().kindOf(fifo), "the bench's pipe");
        assertThrows(NoSuchFileException.class, () -> kinds().kindOf(dir.resolve("gone")));
    }

    @Test
    void deviceNumbers_areSplitAsGlibcDoes() {
        long dev = (13L << 8) | 64; // old-style
        assertEquals(13, ScannerDevice.major(dev));
        assertEquals(64, ScannerDevice.minor(dev));
        long big =
                ((0x123L & 0xfff) << 8)
                        | ((0x456L & ~0xffL) << 12)
                        | (0x456L & 0xff)
                        | ((0x1000L) << 32);
        assertEquals(0x1123, ScannerDevice.major(big));
        assertEquals(0x456, ScannerDevice.minor(big));
    }

    @Test
    void aBitmapThatIsNotHex_meansNoKeys() {
        assertEquals(0, ScannerDevice.lowKeyBits("zz"));
        assertEquals(0, ScannerDevice.lowKeyBits(""));
        assertEquals(0xfffffffeL, ScannerDevice.lowKeyBits(KEYBOARD_64));
        assertEquals(0xfffffffeL, ScannerDevice.lowKeyBits(KEYBOARD_32));
    }

    private ScannerDevice kinds() {
        return new ScannerDevice(sys.resolve("dev/char"));
    }

    /** /sys/dev/char/M:m → ../../devices/…/NODE, with its subsystem link and capabilities. */
    private void entry(
            int major, int minor, String subsystem, String node, String keys, String name)
            throws IOException {
        Path device =
                Files.createDirectories(
                        sys.resolve("devices/usb1/1-1/input-" + node).resolve(node));
        Files.createDirectories(sys.resolve("class").resolve(subsystem));
        Files.createSymbolicLink(
                device.resolve("subsystem"), sys.resolve("class").resolve(subsystem));
        Path parent = device.getParent();
        Files.createDirectories(parent.resolve("capabilities"));
        if (!Files.exists(device.resolve("device"))) {
            Files.createSymbolicLink(device.resolve("device"), parent);
        }
        if (keys != null) {
            Files.writeString(parent.resolve("capabilities/key"), keys + "\n");
        }
        if (name != null) {
            Files.writeString(parent.resolve("name"), name + "\n");
        }
        Files.createDirectories(sys.resolve("dev/char"));
        Files.createSymbolicLink(sys.resolve("dev/char").resolve(major + ":" + minor), device);
    }
}
