package org.latchkey.scanner;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One {@code struct input_event} from an evdev device (include/uapi/linux/input.h), without its
 * timestamp, which nothing here needs.
 */
public record InputEvent(int type, int code, int value) {
    public static final int EV_SYN = 0;
    public static final int EV_KEY = 1;
    public static final int SYN_REPORT = 0;
    public static final int SYN_DROPPED = 3;

    public static InputEvent key(int code, int value) {
        return new InputEvent(EV_KEY, code, value);
    }

    public static InputEvent syn(int code) {
        return new InputEvent(EV_SYN, code, 0);
    }

    /**
     * The record's size: its {@code timeval} is two longs, 8 bytes each in 64-bit userspace
     * (aarch64, x86-64), 4 in 32-bit (armhf, whose kernel writes the compat layout even with a
     * 64-bit {@code time_t}).
     */
    public enum Layout {
        BITS_64(24),
        BITS_32(16);

        private final int size;

        Layout(int size) {
            this.size = size;
        }

        public int size() {
            return size;
        }

        /** The running JVM's: a 32-bit JVM is a 32-bit process to the kernel. */
        public static Layout ofRunningJvm() {
            return "32".equals(System.getProperty("sun.arch.data.model")) ? BITS_32 : BITS_64;
        }

        /** The event at {@code offset} in {@code bytes}, written by the kernel little-endian. */
        public InputEvent read(byte[] bytes, int offset) {
            ByteBuffer b = ByteBuffer.wrap(bytes, offset, size).order(ByteOrder.LITTLE_ENDIAN);
            int at = offset + size - 8;
            return new InputEvent(
                    Short.toUnsignedInt(b.getShort(at)),
                    Short.toUnsignedInt(b.getShort(at + 2)),
                    b.getInt(at + 4));
        }

        /**
         * The bytes of one event as the kernel writes them (a zero timestamp): for tests and the
         * bench.
         */
        public byte[] write(InputEvent e) {
            ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
            b.position(size - 8);
            b.putShort((short) e.type()).putShort((short) e.code()).putInt(e.value());
            return b.array();
        }
    }
}
