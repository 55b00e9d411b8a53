package org.latchkey.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

/**
 * The door's state directory: once.log, the time floor, revocations, the mode and the audit log
 * live here. One writer at a time: the running {@code latchkeyd} holds its lock for as long as it
 * runs, and a command that writes here while the daemon is down takes it for the length of its
 * change (read, check, write).
 */
public final class StateDir {
    /** The lock file, inside the state directory (never removed). */
    public static final String LOCK = ".lock";

    private StateDir() {}

    /**
     * The state directory, created owner-only if missing; refused if it is not a folder, or if
     * another user could replace it or what is in it.
     */
    public static Path open(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            AtomicFiles.createDirectories(dir, PosixFilePermissions.fromString("rwx------"));
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("state_dir " + dir + " is not a folder");
        }
        Optional<String> unsafe = PathSafety.problemOfStateDir(dir);
        if (unsafe.isPresent()) {
            throw new IOException("state_dir " + dir + " is not safe: " + unsafe.get());
        }
        return dir;
    }

    /**
     * The state directory, for a command that writes its records there while the daemon is down
     * (revoke, clock reset). Root does not: under the package the directory is the daemon's user's,
     * and whoever runs as that user (a daemon taken over) could lead root's reads and writes
     * elsewhere with a link or a pipe planted at the right moment. Those commands go through the
     * running daemon's API instead, or run as the directory's owner.
     */
    public static Path openToWrite(Path dir) throws IOException {
        Path state = open(dir);
        String me = System.getProperty("user.name");
        String owner = java.nio.file.Files.getOwner(state).getName();
        if (me.equals("root") && !owner.equals("root")) {
            throw new IOException(
                    state
                            + " belongs to "
                            + owner
                            + ", the daemon's user, and root does not write there: start latchkeyd"
                            + " (sudo systemctl start latchkeyd) and run this again, so that it"
                            + " goes through the daemon, or run it as "
                            + owner
                            + " (sudo -u "
                            + owner
                            + " …)");
        }
        return state;
    }

    /**
     * Takes the state directory's lock.
     *
     * @param holder who takes it, e.g. {@code latchkeyd} or {@code latchkey revoke}
     * @throws LockFile.HeldException when another process holds it after {@code wait}
     */
    public static LockFile lock(Path dir, String holder, Duration wait) throws IOException {
        return LockFile.acquire(dir.resolve(LOCK), holder, wait);
    }
}
