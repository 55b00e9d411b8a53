package org.latchkey.scanner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What kind of scanner a configured device is, found from the device itself (its character device
 * number, then the kernel's sysfs entry for it), never from its name: a serial one sends lines, a
 * keyboard-mode one key events.
 */
public final class ScannerDevice {
    /** The scanner's kind, or why the device cannot be one. */
    public sealed interface Kind {
        /**
         * A tty (USB-COM/CDC-ACM), or a pipe or file as the bench and tests use: one code per line.
         */
        record Serial() implements Kind {}

        /** An evdev node with letter keys and Enter. */
        record Keyboard() implements Kind {}

        /** Not a scanner this door can read; {@code why} names what it is. */
        record Refused(String why) implements Kind {}
    }

    /** Finds a device's kind: {@link #kindOf(Path)}, or a test's. */
    @FunctionalInterface
    public interface Finder {
        Kind kindOf(Path path) throws IOException;
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    /** Keys a scanner in keyboard mode must have: 1, Q, Enter, A (all below 32: see lowKeyBits). */
    private static final int[] KEYBOARD_KEYS = {2, 16, 28, 30};

    private final Path sysDevChar;

    /**
     * @param sysDevChar the kernel's {@code /sys/dev/char}, or a test folder shaped like it
     */
    public ScannerDevice(Path sysDevChar) {
        this.sysDevChar = sysDevChar;
    }

    public static ScannerDevice system() {
        return new ScannerDevice(Path.of("/sys/dev/char"));
    }

    /**
     * The kind of the device at {@code path}, links followed.
     *
     * @throws NoSuchFileException it is not there (unplugged)
     */
    public Kind kindOf(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        if ((mode & S_IFMT) == S_IFIFO) {
            return new Kind.Serial(); // the bench's and the tests' scanner
        }
        if ((mode & S_IFMT) != S_IFCHR) {
            // A file would be read again every second, its tokens presented over and over.
            return new Kind.Refused(
                    path + " is not a device: name the scanner's serial port or event node");
        }
        long rdev = (Long) Files.getAttribute(path, "unix:rdev");
        return kindOf(path, major(rdev), minor(rdev));
    }

    /** The kind of character device {@code major:minor}, from sysfs. */
    Kind kindOf(Path path, long major, long minor) throws IOException {
        Path entry = sysDevChar.resolve(major + ":" + minor);
        Optional<String> subsystem = subsystem(entry);
        if (subsystem.isEmpty()) {
            return new Kind.Refused(
                    path + " (" + major + ":" + minor + ") is unknown to the kernel's sysfs");
        }
        return switch (subsystem.get()) {
            case "tty" -> new Kind.Serial();
            case "input" -> keyboardKind(path, entry);
            default ->
                    new Kind.Refused(
                            path
                                    + " is a "
                                    + subsystem.get()
                                    + " device: name a scanner's serial port (/dev/ttyACM0) or its"
                                    + " keyboard event node (/dev/input/by-id/usb-…-event-kbd)");
        };
    }

    private Kind keyboardKind(Path path, Path entry) throws IOException {
        String node = entry.toRealPath().getFileName().toString();
        if (!node.startsWith("event")) {
            return new Kind.Refused(
                    path
                            + " is the input node "
                            + node
                            + ", not an event node: name the scanner's …-event-kbd link");
        }
        Path keys = entry.resolve("device/capabilities/key");
        long bits;
        try {
            bits = lowKeyBits(Files.readString(keys));
        } catch (NoSuchFileException e) {
            bits = 0;
        }
        for (int key : KEYBOARD_KEYS) {
            if ((bits & (1L << key)) == 0) {
                String name = name(entry);
                return new Kind.Refused(
                        path
                                + " ("
                                + name
                                + ") is an input device but not a keyboard: it has no letter"
                                + " keys or Enter. A scanner with two event nodes types on the one"
                                + " whose link ends in -event-kbd");
            }
        }
        return new Kind.Keyboard();
    }

    /**
     * The low 32 key bits of the kernel's bitmap: hex words, the most significant first, each an
     * unsigned long of the kernel's (32 or 64 bits: an arm64 kernel may run armhf userspace). The
     * last word's low 32 bits are the same either way, and the keys checked lie there.
     */
    static long lowKeyBits(String text) {
        String[] words = text.trim().split("\\s+");
        String last = words[words.length - 1];
        if (last.isEmpty() || last.length() > 16 || !last.matches("[0-9a-fA-F]+")) {
            return 0;
        }
        return Long.parseUnsignedLong(last, 16) & 0xffff_ffffL;
    }

    /** The device's own name, printable ASCII only: the USB device says it, whoever made it. */
    private static String name(Path entry) {
        try {
            return printable(Files.readString(entry.resolve("device/name")).trim());
        } catch (IOException e) {
            return "unnamed";
        }
    }

    private static Optional<String> subsystem(Path entry) throws IOException {
        Path link = entry.resolve("subsystem");
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        return Optional.of(Files.readSymbolicLink(link).getFileName().toString());
    }

    /**
     * A device's vendor and product id as a udev rule matches them, and its name for people.
     *
     * @param udevMatch the rule's match on them: the input device's own {@code id/vendor} and
     *     {@code id/product} for an event node (a USB scanner's are its USB ids; a virtual keyboard
     *     has them too), the USB device's {@code idVendor} and {@code idProduct} for a tty
     */
    public record DeviceId(String vendor, String product, String name, String udevMatch) {}

    /** The ids of the device at {@code path}, if it has any a udev rule can match. */
    public Optional<DeviceId> deviceId(Path path) throws IOException {
        long rdev = (Long) Files.getAttribute(path, "unix:rdev");
        Path entry = sysDevChar.resolve(major(rdev) + ":" + minor(rdev));
        if (subsystem(entry).filter("input"::equals).isPresent()) {
            Path input = entry.resolve("device");
            return ids(
                    input.resolve("id/vendor"),
                    input.resolve("id/product"),
                    List.of(input.resolve("name")),
                    "ATTRS{id/vendor}==\"%s\", ATTRS{id/product}==\"%s\"");
        }
        for (Path dir = entry.toRealPath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("idVendor"))) {
                return ids(
                        dir.resolve("idVendor"),
                        dir.resolve("idProduct"),
                        List.of(dir.resolve("manufacturer"), dir.resolve("product")),
                        "ATTRS{idVendor}==\"%s\", ATTRS{idProduct}==\"%s\"");
            }
        }
        return Optional.empty();
    }

    private static Optional<DeviceId> ids(Path vendor, Path product, List<Path> names, String match)
            throws IOException {
        if (!Files.isRegularFile(vendor) || !Files.isRegularFile(product)) {
            return Optional.empty();
        }
        String v = Files.readString(vendor).trim();
        String p = Files.readString(product).trim();
        if (!v.matches("[0-9a-f]{4}") || !p.matches("[0-9a-f]{4}")) {
            return Optional.empty();
        }
        StringBuilder name = new StringBuilder();
        for (Path file : names) {
            if (Files.isRegularFile(file)) {
                name.append(name.isEmpty() ? "" : " ").append(Files.readString(file).trim());
            }
        }
        // Printable ASCII only: the name goes into a comment in the rules file and onto a terminal.
        String safe = printable(name.toString());
        return Optional.of(new DeviceId(v, p, safe, match.formatted(v, p)));
    }

    private static String printable(String s) {
        return s.replaceAll("[^ -~]", "?");
    }

    /** Whether {@code path} (links followed) is a character device, as a scanner must be. */
    public static boolean isCharacterDevice(Path path) throws IOException {
        return ((Integer) Files.getAttribute(path, "unix:mode") & S_IFMT) == S_IFCHR;
    }

    /** glibc's {@code gnu_dev_major}. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & 0xffffff00L);
    }
}
