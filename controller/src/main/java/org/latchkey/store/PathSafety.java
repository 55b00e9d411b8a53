package org.latchkey.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Whether another local user could replace a file or folder the door trusts (its config, its state
 * directory): the path and every folder its resolution passes through (those above it as written,
 * and above every symbolic link's target) must belong to root or to the user the door runs as, and
 * be writable by nobody else — a folder with the sticky bit, like {@code /tmp}, being the one
 * exception, since there others cannot rename or remove what is ours.
 */
public final class PathSafety {
    private static final int GROUP_WRITE = 0020;
    private static final int OTHERS_WRITE = 0002;
    private static final int STICKY = 01000;
    private static final int MAX_LINKS = 40; // as the kernel's ELOOP

    private PathSafety() {}

    /**
     * Empty when {@code path} is safe; else what is wrong and how to mend it, naming the path.
     * Paths on a file system without POSIX modes are not checked.
     */
    public static Optional<String> problem(Path path) throws IOException {
        return problem(path, false);
    }

    /**
     * As {@link #problem(Path)} for the door's state directory, which root's commands (`init`,
     * `door key`, `revoke` and `clock reset` while the daemon is down) act on as the daemon's own:
     * under the package it belongs to the daemon's user, not root. Asked by root, the directory
     * itself may belong to another user (it must still be writable by nobody else); every folder
     * above it must be root's.
     */
    public static Optional<String> problemOfStateDir(Path dir) throws IOException {
        return problem(dir, true);
    }

    private static Optional<String> problem(Path path, boolean stateDir) throws IOException {
        Path real = path.toRealPath();
        if (Files.getFileAttributeView(real, PosixFileAttributeView.class) == null) {
            return Optional.empty();
        }
        UserPrincipal me =
                real.getFileSystem()
                        .getUserPrincipalLookupService()
                        .lookupPrincipalByName(System.getProperty("user.name"));
        boolean root = me.getName().equals("root");
        for (Path p : passedThrough(path)) {
            boolean daemons = stateDir && root && p.equals(real);
            Optional<String> wrong = problem(p, path, me, daemons);
            if (wrong.isPresent()) {
                return wrong;
            }
        }
        return Optional.empty();
    }

    /**
     * Every folder the path's resolution passes through, and where it ends: the folders above the
     * path as written, and, at each symbolic link, those above its target — whoever may change any
     * of them may point the path elsewhere (the fourth review swapped a link in a world-writable
     * folder above a config whose own folders were all safe).
     */
    static Set<Path> passedThrough(Path path) throws IOException {
        Set<Path> out = new LinkedHashSet<>();
        Path end = resolve(path.toAbsolutePath(), out, 0);
        out.add(end);
        return out;
    }

    private static Path resolve(Path absolute, Set<Path> out, int links) throws IOException {
        Path at = absolute.getRoot();
        for (Path name : absolute) {
            out.add(at);
            if (name.toString().equals("..")) {
                at = at.getParent() == null ? at : at.getParent();
                continue;
            }
            if (name.toString().equals(".")) {
                continue;
            }
            Path next = at.resolve(name);
            if (Files.isSymbolicLink(next)) {
                if (links >= MAX_LINKS) {
                    throw new IOException(absolute + ": too many symbolic links");
                }
                at = resolve(at.resolve(Files.readSymbolicLink(next)), out, links + 1);
            } else {
                at = next;
            }
        }
        return at;
    }

    private static Optional<String> problem(Path p, Path path, UserPrincipal me, boolean anyOwner)
            throws IOException {
        UserPrincipal owner = Files.getOwner(p);
        if (!anyOwner && !owner.getName().equals("root") && !owner.equals(me)) {
            return Optional.of(
                    p
                            + " belongs to "
                            + owner.getName()
                            + ", who could replace "
                            + path
                            + ": it must belong to root or "
                            + me.getName());
        }
        int mode;
        try {
            mode = (Integer) Files.getAttribute(p, "unix:mode");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty(); // no "unix" view here: nothing more to check
        }
        boolean sticky = Files.isDirectory(p) && (mode & STICKY) != 0;
        if ((mode & (GROUP_WRITE | OTHERS_WRITE)) != 0 && !sticky) {
            return Optional.of(
                    p
                            + " is writable by "
                            + ((mode & OTHERS_WRITE) != 0 ? "every user" : "its group")
                            + " (mode "
                            + String.format("%04o", mode & 07777)
                            + "), who could replace "
                            + path
                            + ": chmod go-w "
                            + p);
        }
        return Optional.empty();
    }
}
