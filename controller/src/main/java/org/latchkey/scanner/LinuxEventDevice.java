package org.latchkey.scanner;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * An evdev node opened through libc (JNA): Java cannot issue the {@code EVIOCGRAB} ioctl that keeps
 * a scanner's keystrokes from reaching the console, and the grab belongs to the file descriptor, so
 * the reads must use the same one. Blocking calls: use a platform thread.
 */
final class LinuxEventDevice implements EventDevice {
    /** {@code _IOW('E', 0x90, int)}: the same number on arm, arm64 and x86-64. */
    static final long EVIOCGRAB = 0x40044590L;

    private static final int O_RDONLY = 0;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final short POLLIN = 0x1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int ENOENT = 2;

    /** The libc calls used; JNA maps them by name. */
    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int ioctl(int fd, NativeLong request, NativeLong argument) throws LastErrorException;

        NativeLong read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

        /** {@code fds} is one {@code struct pollfd}: int fd, short events, short revents. */
        int poll(byte[] fds, NativeLong count, int timeoutMillis) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    /** Loads libc through JNA now: a broken native library fails here, named, not in the reader. */
    static void load() {
        Holder.LIBC.getClass();
    }

    private final Path path;
    private final int fd;
    private final byte[] pollfd = new byte[8];

    private LinuxEventDevice(Path path, int fd) {
        this.path = path;
        this.fd = fd;
        java.nio.ByteBuffer.wrap(pollfd)
                .order(java.nio.ByteOrder.nativeOrder())
                .putInt(fd)
                .putShort(POLLIN);
    }

    /** Opens {@code path} and takes it exclusively; refuses a device another process holds. */
    static EventDevice open(Path path) throws IOException {
        LibC c = Holder.LIBC;
        int fd;
        try {
            fd = c.open(path.toString(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENOENT) {
                throw new NoSuchFileException(path.toString());
            }
            throw new IOException("cannot open " + path + ": " + describe(e), e);
        }
        try {
            c.ioctl(fd, new NativeLong(EVIOCGRAB), new NativeLong(1));
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw new IOException(
                    "cannot take "
                            + path
                            + " for the door alone (EVIOCGRAB): "
                            + describe(e)
                            + (e.getErrorCode() == 16 ? "; another program holds it" : ""),
                    e);
        }
        return new LinuxEventDevice(path, fd);
    }

    /**
     * An interrupted poll, or a read that finds nothing after all, waits on for the time left: 0
     * means the time passed without events, never "interrupted" (that would end a code half-way).
     */
    @Override
    public int read(byte[] buffer, int timeoutMillis) throws IOException {
        LibC c = Holder.LIBC;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            int wait =
                    timeoutMillis < 0
                            ? -1
                            : (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
            try {
                if (c.poll(pollfd, new NativeLong(1), wait) == 0) {
                    return 0;
                }
                long n = c.read(fd, buffer, new NativeLong(buffer.length)).longValue();
                if (n == 0) {
                    throw new IOException(path + " ended");
                }
                return (int) n;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR && e.getErrorCode() != EAGAIN) {
                    // ENODEV: unplugged.
                    throw new IOException(path + ": " + describe(e), e);
                }
                if (timeoutMillis >= 0 && System.nanoTime() - deadline >= 0) {
                    return 0;
                }
            }
        }
    }

    @Override
    public void close() {
        // Closing releases the grab with the descriptor.
        closeQuietly(fd);
    }

    private static void closeQuietly(int fd) {
        try {
            Holder.LIBC.close(fd);
        } catch (LastErrorException e) {
            // Nothing to do: the descriptor is gone either way.
        }
    }

    private static String describe(LastErrorException e) {
        return switch (e.getErrorCode()) {
            case 1, 13 ->
                    "permission denied (the latchkey group needs read access: latchkey scanner"
                            + " setup)";
            case 16 -> "device busy";
            case 19 -> "no such device (unplugged)";
            case 25 -> "not an input device";
            default -> "errno " + e.getErrorCode();
        };
    }
}
