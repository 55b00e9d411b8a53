package org.latchkey.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * An exclusive lock on a stable file beside what it guards (never renamed, never removed), so that
 * writers that each read, check and rewrite a file take turns and none loses another's change. The
 * kernel releases it when its holder exits, however it exits. The holder writes its pid and name
 * into the file, so that one who waits can say who holds it.
 */
public final class LockFile implements AutoCloseable {
    /** How long a command waits for a lock by default. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private static final Duration POLL = Duration.ofMillis(25);

    /** The locks this process holds, by absolute path. */
    private static final Map<Path, LockFile> HELD = new HashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final String holder;

    private LockFile(Path file, FileChannel channel, FileLock lock, String holder) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
    }

    /** The lock is held by someone else and was not released in time. */
    public static final class HeldException extends IOException {
        private final String holder;

        HeldException(Path file, String holder, Duration waited) {
            super(
                    file
                            + " is held by "
                            + (holder.isEmpty() ? "another process" : holder)
                            + (waited.isZero()
                                    ? ""
                                    : " (waited " + waited.toMillis() / 1000.0 + " s)"));
            this.holder = holder;
        }

        /** Who holds it, as its holder wrote it ({@code pid 1234 latchkeyd}); may be empty. */
        public String holder() {
            return holder;
        }
    }

    /**
     * Takes the lock on {@code file} (created 0600 if missing), waiting at most {@code wait}.
     *
     * @param holder who takes it, for those who wait (e.g. {@code latchkey issuer add})
     * @throws HeldException when it is still held by another after {@code wait}
     */
    public static LockFile acquire(Path file, String holder, Duration wait) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            String heldBy;
            // One JVM, one POSIX lock per file: closing any channel on the file would release it,
            // so
            // a lock this process holds is looked up here and its file is never opened again.
            synchronized (HELD) {
                LockFile mine = HELD.get(key);
                if (mine == null) {
                    LockFile taken = tryLock(key, holder);
                    if (taken != null) {
                        HELD.put(key, taken);
                        return taken;
                    }
                    heldBy = holderOf(key);
                } else {
                    heldBy = mine.holder;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new HeldException(file, heldBy, wait);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + file, e);
            }
        }
    }

    private static LockFile tryLock(Path file, String holder) throws IOException {
        FileChannel ch =
                FileChannel.open(
                        file,
                        Set.of(
                                StandardOpenOption.CREATE,
                                StandardOpenOption.READ,
                                StandardOpenOption.WRITE),
                        AtomicFiles.ownerOnly(file.getParent()));
        try {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                return null;
            }
            String who = "pid " + ProcessHandle.current().pid() + " " + holder;
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((who + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return new LockFile(file, ch, lock, who);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** What the holder wrote into the lock file (empty when unreadable). */
    private static String holderOf(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            String text = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8);
            return text.strip().replaceAll("\\p{Cntrl}", "?");
        } catch (IOException e) {
            return "";
        }
    }

    public Path file() {
        return file;
    }

    /** Releases the lock; the file stays (a stable file is what makes the lock work). */
    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            if (HELD.get(file) != this) {
                return; // closed before
            }
            HELD.remove(file);
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
