package org.latchkey.bench;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

import org.latchkey.scanner.InputEvent;
import org.latchkey.scanner.KeyTyping;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A keyboard-mode scanner made by the kernel's {@code uinput}: it types what it is told, as key
 * events on a real {@code /dev/input/eventN}, for the hardware-truth machine (there is no USB
 * scanner in it). As a program, for stage two's shell checks: it prints {@code LATCHKEY-KEYBOARD
 * /dev/input/eventN} once the node exists, then reads lines {@code type us|de TEXT} (each typed and
 * ended with Enter) until its input ends, and removes the device.
 */
public final class VirtualKeyboard implements AutoCloseable {
    /** The ids it shows, as a USB scanner would (a Honeywell 1900g's). */
    public static final int VENDOR = 0x0c2e;

    public static final int PRODUCT = 0x0b61;
    public static final String NAME = "latchkey VM scanner";

    private static final long UI_SET_EVBIT = 0x40045564L;
    private static final long UI_SET_KEYBIT = 0x40045565L;

    /** {@code _IOW('U', 3, struct uinput_setup)}: 92 bytes. */
    private static final long UI_DEV_SETUP = 0x405c5503L;

    private static final long UI_DEV_CREATE = 0x5501L;
    private static final long UI_DEV_DESTROY = 0x5502L;
    private static final int O_WRONLY = 1;
    private static final int O_NONBLOCK = 0x800;
    private static final int BUS_USB = 0x03;

    interface LibC extends Library {
        LibC C = Native.load("c", LibC.class);

        int open(String path, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int ioctl(int fd, NativeLong request, NativeLong argument) throws LastErrorException;

        int ioctl(int fd, NativeLong request, byte[] argument) throws LastErrorException;

        NativeLong write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

        NativeLong read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;
    }

    /**
     * Another program's view of an event node: opened without a grab. While latchkeyd holds the
     * node, a grab from here fails (EBUSY) and nothing typed reaches this descriptor.
     */
    public static final class Peer implements AutoCloseable {
        private static final long EVIOCGRAB = 0x40044590L;
        private final int fd;

        public Peer(Path node) throws IOException {
            try {
                fd = LibC.C.open(node.toString(), O_NONBLOCK);
            } catch (LastErrorException e) {
                throw new IOException("cannot open " + node + ": errno " + e.getErrorCode(), e);
            }
        }

        /** Whether another descriptor holds the node exclusively (tries a grab, releases it). */
        public boolean heldByAnother() {
            try {
                LibC.C.ioctl(fd, new NativeLong(EVIOCGRAB), new NativeLong(1));
                LibC.C.ioctl(fd, new NativeLong(EVIOCGRAB), new NativeLong(0));
                return false;
            } catch (LastErrorException e) {
                return e.getErrorCode() == 16; // EBUSY
            }
        }

        /** Bytes waiting here now (0: nothing reached this reader). */
        public int waiting() {
            byte[] b = new byte[4096];
            try {
                return (int) LibC.C.read(fd, b, new NativeLong(b.length)).longValue();
            } catch (LastErrorException e) {
                return 0; // EAGAIN: nothing
            }
        }

        @Override
        public void close() {
            LibC.C.close(fd);
        }
    }

    private final int fd;
    private final InputEvent.Layout layout = InputEvent.Layout.ofRunningJvm();

    private VirtualKeyboard(int fd) {
        this.fd = fd;
    }

    /** Creates the device: every key a token's characters, Enter, Tab and Shift need. */
    public static VirtualKeyboard create() throws IOException {
        LibC c = LibC.C;
        int fd;
        try {
            fd = c.open("/dev/uinput", O_WRONLY | O_NONBLOCK);
        } catch (LastErrorException e) {
            throw new IOException(
                    "cannot open /dev/uinput (is the uinput module loaded?): errno "
                            + e.getErrorCode(),
                    e);
        }
        try {
            c.ioctl(fd, new NativeLong(UI_SET_EVBIT), new NativeLong(InputEvent.EV_KEY));
            for (int key = 1; key < 128; key++) {
                c.ioctl(fd, new NativeLong(UI_SET_KEYBIT), new NativeLong(key));
            }
            ByteBuffer setup = ByteBuffer.allocate(92).order(ByteOrder.nativeOrder());
            setup.putShort((short) BUS_USB)
                    .putShort((short) VENDOR)
                    .putShort((short) PRODUCT)
                    .putShort((short) 1);
            setup.put(NAME.getBytes(StandardCharsets.US_ASCII));
            c.ioctl(fd, new NativeLong(UI_DEV_SETUP), setup.array());
            c.ioctl(fd, new NativeLong(UI_DEV_CREATE), new NativeLong(0));
        } catch (LastErrorException e) {
            c.close(fd);
            throw new IOException("uinput refused the keyboard: errno " + e.getErrorCode(), e);
        }
        return new VirtualKeyboard(fd);
    }

    /** Its event node, once the kernel made it (found by its name in sysfs). */
    public Path eventNode() throws IOException, InterruptedException {
        for (int i = 0; i < 200; i++) {
            Optional<Path> node = findNode(Path.of("/sys/class/input"));
            if (node.isPresent()) {
                return node.get();
            }
            Thread.sleep(25);
        }
        throw new IOException("no event node named '" + NAME + "' appeared in /sys/class/input");
    }

    static Optional<Path> findNode(Path sysClassInput) throws IOException {
        try (var entries = Files.list(sysClassInput)) {
            for (Path e : (Iterable<Path>) entries::iterator) {
                String node = e.getFileName().toString();
                Path name = e.resolve("device/name");
                if (node.startsWith("event")
                        && Files.isRegularFile(name)
                        && Files.readString(name).trim().equals(NAME)) {
                    return Optional.of(Path.of("/dev/input").resolve(node));
                }
            }
        }
        return Optional.empty();
    }

    /** Types {@code text} on {@code keys} (a keyboard country), then Enter, as a scanner does. */
    public void scan(String text, Map<Character, KeyTyping.Key> keys) throws IOException {
        byte[] bytes = KeyTyping.scan(text, keys, layout);
        // As a USB keyboard: a report every 2 ms (scanners are polled every 1-10 ms), not
        // thousands of events at once, which no reader's queue in the kernel holds.
        for (int at = 0; at < bytes.length; at += layout.size()) {
            byte[] one = java.util.Arrays.copyOfRange(bytes, at, at + layout.size());
            try {
                LibC.C.write(fd, one, new NativeLong(one.length));
            } catch (LastErrorException e) {
                throw new IOException("uinput write failed: errno " + e.getErrorCode(), e);
            }
            if (layout.read(one, 0).type() == InputEvent.EV_SYN) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while typing", e);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            LibC.C.ioctl(fd, new NativeLong(UI_DEV_DESTROY), new NativeLong(0));
        } catch (LastErrorException e) {
            // Closing the descriptor removes the device too.
        }
        LibC.C.close(fd);
    }

    public static void main(String[] args) throws Exception {
        try (VirtualKeyboard k = create()) {
            System.out.println("LATCHKEY-KEYBOARD " + k.eventNode());
            System.out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] w = line.split(" ", 3);
                if (w.length == 3
                        && w[0].equals("type")
                        && (w[1].equals("us") || w[1].equals("de"))) {
                    k.scan(w[2], w[1].equals("us") ? KeyTyping.US : KeyTyping.german());
                    System.out.println(
                            "LATCHKEY-KEYBOARD typed "
                                    + w[2].length()
                                    + " characters ("
                                    + w[1]
                                    + ")");
                } else {
                    System.out.println("LATCHKEY-KEYBOARD ignored: " + line);
                }
                System.out.flush();
            }
        }
    }
}
