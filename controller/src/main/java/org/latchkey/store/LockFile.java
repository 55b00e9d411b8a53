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
    private final String name;
    private FileChannel channel;
    private FileLock lock;
    private String holder;

    /** The locked file's identity (device and inode), to tell it from one put in its place. */
    private Object identity;

    private LockFile(
            Path file,
            String name,
            FileChannel channel,
            FileLock lock,
            String holder,
            Object identity) {
        this.file = file;
        this.name = name;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
        this.identity = identity;
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
        // Never open and close the file again while it is locked: closing any descriptor of it
        // drops this process's lock. Its identity is what stat says, before the open and after
        // the lock: equal, the file locked is the one at the path.
        Object before = identity(file);
        FileChannel ch =
                FileChannel.open(
                        file,
                        Set.of(
                                StandardOpenOption.CREATE,
                                StandardOpenOption.READ,
                                StandardOpenOption.WRITE,
                                // never through a link: root's commands take this lock in the
                                // daemon's own folder, where its user could plant one
                                java.nio.file.LinkOption.NOFOLLOW_LINKS),
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
            ch.force(false);
            if (before == null) {
                // Made now: root's command (door key, init) makes it in the daemon's folder, and
                // the daemon, its own user, must still open it.
                AtomicFiles.ownLikeItsFolder(file);
            }
            Object after = identity(file);
            if (before == null || !before.equals(after)) {
                // Created just now, or removed or replaced between the open and the lock: what
                // is locked may not be what others open. Again, on what is there now.
                lock.release();
                ch.close();
                return before == null && after != null ? tryLock(file, holder) : null;
            }
            return new LockFile(file, holder, ch, lock, who, after);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The file's device and inode (null when it is not there), by stat: no descriptor opened. */
    private static Object identity(Path file) {
        try {
            return Files.readAttributes(
                            file,
                            java.nio.file.attribute.BasicFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (IOException e) {
            return null;
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

    /**
     * Whether the file at the lock's path is still the one locked: removed or replaced (by hand, by
     * a clean-up), it no longer keeps out a second writer, who would lock the new file.
     */
    public boolean stillGuards() {
        synchronized (HELD) {
            return HELD.get(file) == this && identity.equals(identity(file));
        }
    }

    /**
     * Locks the file at the path again after it was removed or replaced (see {@link
     * #stillGuards()}).
     *
     * @throws HeldException when another process has locked the new file: two writers may have been
     *     in, and this one must stop
     */
    public void retake() throws IOException {
        synchronized (HELD) {
            if (stillGuards()) {
                return;
            }
            try {
                lock.release();
            } finally {
                channel.close();
            }
            LockFile again = tryLock(file, name);
            if (again == null) {
                HELD.remove(file);
                throw new HeldException(file, holderOf(file), Duration.ZERO);
            }
            channel = again.channel;
            lock = again.lock;
            holder = again.holder;
            identity = again.identity;
        }
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
