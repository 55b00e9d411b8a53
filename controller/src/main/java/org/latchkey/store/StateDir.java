package org.latchkey.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The door's state directory: once.log, the time floor, revocations, the mode and the audit log
 * live here.
 */
public final class StateDir {
    private StateDir() {}

    /** The state directory, created owner-only if missing; refused if it is not a folder. */
    public static Path open(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            Files.createDirectories(
                    dir,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("state_dir " + dir + " is not a folder");
        }
        return dir;
    }
}
