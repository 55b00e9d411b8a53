package org.latchkey.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;

/**
 * Whether another local user could replace a file or folder the door trusts (its config, its state
 * directory): the path and every folder above it must belong to root or to the user the door runs
 * as, and be writable by nobody else — a folder with the sticky bit, like {@code /tmp}, being the
 * one exception, since there others cannot rename or remove what is ours.
 */
public final class PathSafety {
    private static final int GROUP_WRITE = 0020;
    private static final int OTHERS_WRITE = 0002;
    private static final int STICKY = 01000;

    private PathSafety() {}

    /**
     * Empty when {@code path} is safe; else what is wrong and how to mend it, naming the path.
     * Paths on a file system without POSIX modes are not checked.
     */
    public static Optional<String> problem(Path path) throws IOException {
        Path real = path.toRealPath();
        if (Files.getFileAttributeView(real, PosixFileAttributeView.class) == null) {
            return Optional.empty();
        }
        UserPrincipal me =
                real.getFileSystem()
                        .getUserPrincipalLookupService()
                        .lookupPrincipalByName(System.getProperty("user.name"));
        for (Path p = real; p != null; p = p.getParent()) {
            UserPrincipal owner = Files.getOwner(p);
            if (!owner.getName().equals("root") && !owner.equals(me)) {
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
        }
        return Optional.empty();
    }
}
