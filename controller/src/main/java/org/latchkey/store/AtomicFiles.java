package org.latchkey.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Crash-safe whole-file writes: write a temporary file, fsync it, rename it over the old one, fsync
 * the folder.
 *
 * <p>The temporary file has a name of its own per write ({@code .<file>.<random>.tmp}), is created
 * new ({@code O_EXCL}) with mode 0600 whatever the umask, and gets its final mode before the
 * rename: no other writer shares it, and no other user can open it while it is being filled. A
 * write that fails removes it; {@link #removeLeftovers} clears those a crash left behind.
 */
public final class AtomicFiles {
    /** Owner read and write only: state files and secrets. */
    public static final Set<PosixFilePermission> OWNER_ONLY =
            PosixFilePermissions.fromString("rw-------");

    /** A temporary file of ours: {@code .<name>.tmp} (earlier releases) or with a random part. */
    private static final String TEMPORARY = "\\.%s(\\.[0-9a-f]{16})?\\.tmp";

    private AtomicFiles() {}

    /**
     * Replaces {@code file} with {@code content}; a file that existed keeps its permissions and
     * group, a new one is readable by its owner only.
     */
    public static void write(Path file, byte[] content) throws IOException {
        write(file, content, OWNER_ONLY);
    }

    /**
     * Replaces {@code file} with {@code content}; a file that existed keeps its permissions and
     * group, a new one gets {@code newMode}.
     */
    public static void write(Path file, byte[] content, Set<PosixFilePermission> newMode)
            throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve(temporaryName(file));
        boolean done = false;
        try {
            try (FileChannel ch =
                    FileChannel.open(
                            tmp,
                            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            ownerOnly(dir))) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            finalMode(file, tmp, newMode);
            Files.move(
                    tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static String temporaryName(Path file) {
        // Unique, not secret: CREATE_NEW refuses a name that exists (a symbolic link included).
        return "."
                + file.getFileName()
                + "."
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
                + ".tmp";
    }

    /** Mode 0600 from creation where the file system knows POSIX modes (none elsewhere). */
    static FileAttribute<?>[] ownerOnly(Path dir) {
        return Files.getFileAttributeView(dir, PosixFileAttributeView.class) == null
                ? new FileAttribute<?>[0]
                : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
    }

    /**
     * The old file's mode, group and owner, or {@code newMode} and the folder's owner for a new
     * file. Owners change only when root writes: root's commands write into the daemon's state
     * directory while it is down (revoke, clock reset), and the daemon, running as its own user,
     * must still be able to read what they leave (a root-owned 0600 list would read as damage).
     */
    private static void finalMode(Path file, Path tmp, Set<PosixFilePermission> newMode)
            throws IOException {
        // The temporary file's own attributes, never a link's target: in the daemon's folder its
        // user could swap our file for a link before root changes its owner.
        PosixFileAttributeView dst =
                Files.getFileAttributeView(
                        tmp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (dst == null) {
            return;
        }
        PosixFileAttributeView src =
                Files.getFileAttributeView(
                        file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            // new, or a link in its place (replaced by the rename): nothing of a target is copied
            dst.setPermissions(newMode);
            ownedBy(dst, Files.getOwner(tmp.getParent()));
            return;
        }
        PosixFileAttributes a = src.readAttributes();
        dst.setPermissions(a.permissions());
        ownedBy(dst, a.owner());
        GroupPrincipal group = a.group();
        try {
            // Only when it differs: a chown is a system call the installed unit's filter kills the
            // daemon for (@system-service has no @chown; stage two found it), and the daemon's own
            // files already have its group.
            if (isRoot() && !group.equals(dst.readAttributes().group())) {
                dst.setGroup(group);
            }
        } catch (IOException e) {
            // Not permitted for this user: the group stays the user's own, as for any new file.
        }
    }

    /** A file just created by root in a folder of another user's (the daemon's) becomes theirs. */
    static void ownLikeItsFolder(Path file) throws IOException {
        PosixFileAttributeView v =
                Files.getFileAttributeView(
                        file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (v != null && isRoot()) {
            Path folder = file.toAbsolutePath().getParent();
            ownedBy(v, Files.getOwner(folder));
            var group =
                    Files.readAttributes(
                                    folder, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                            .group();
            if (!group.equals(v.readAttributes().group())) {
                v.setGroup(group);
            }
        }
    }

    private static void ownedBy(PosixFileAttributeView dst, UserPrincipal owner)
            throws IOException {
        if (owner.equals(dst.getOwner()) || !isRoot()) {
            return;
        }
        dst.setOwner(owner);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Removes the temporary files a crash or a failed write left in {@code dir} (regular files
     * named {@code .<name>.tmp} or {@code .<name>.<random>.tmp}). Call it only where no other
     * process writes meanwhile: under the folder's lock.
     *
     * @return how many were removed
     */
    public static int removeLeftovers(Path dir) throws IOException {
        return removeLeftovers(dir, Pattern.compile(String.format(TEMPORARY, ".+")));
    }

    /** {@link #removeLeftovers(Path)} for the temporary files of one file only. */
    public static int removeLeftoversOf(Path file) throws IOException {
        return removeLeftovers(
                file.toAbsolutePath().getParent(),
                Pattern.compile(
                        String.format(TEMPORARY, Pattern.quote(file.getFileName().toString()))));
    }

    private static int removeLeftovers(Path dir, Pattern temporary) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (temporary.matcher(p.getFileName().toString()).matches()
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                    removed++;
                }
            }
        }
        if (removed > 0) {
            syncDirectory(dir);
        }
        return removed;
    }

    /**
     * Creates {@code dir} (and missing parents) with exactly {@code mode}, whatever the umask; a
     * folder that exists is left as it is.
     */
    public static Path createDirectories(Path dir, Set<PosixFilePermission> mode)
            throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent)) {
            createDirectories(parent, mode);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(mode));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir); // no POSIX modes on this file system
            return dir;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (Files.isDirectory(dir)) {
                return dir; // made meanwhile by another
            }
            throw e;
        }
        Files.setPosixFilePermissions(dir, mode); // the umask took bits away at creation
        ownLikeItsFolder(dir); // made by root (a command) in the daemon's folder: the daemon's
        return dir;
    }

    /** Makes a rename or a new file in the folder durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
