package org.latchkey.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.identity.DoorKeys;
import org.latchkey.testing.OsTools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;

/**
 * Under the package the state directory is the daemon's user's, and whoever runs as that user (a
 * daemon taken over) controls what is in it. Root's commands there must not be led elsewhere: the
 * offline writes are refused, the door key is read only from a small regular file, and what root
 * must make there (the lock, the door key) is the daemon's to use.
 */
class RootInTheDaemonsFolderTest {
    @TempDir Path dir;

    private static boolean root() {
        return System.getProperty("user.name").equals("root");
    }

    private Path daemonsFolder() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path state = Files.createDirectory(dir.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        if (root()) {
            Files.setOwner(state, nobody());
        }
        return state;
    }

    private UserPrincipal nobody() throws IOException {
        return dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }

    @Test
    void rootsOfflineWrites_areRefusedThere_withWhatToDoInstead() throws Exception {
        Path state = daemonsFolder();
        if (!root()) {
            assertEquals(state, StateDir.openToWrite(state), "its owner writes there");
            return;
        }
        IOException e = assertThrows(IOException.class, () -> StateDir.openToWrite(state));
        assertTrue(e.getMessage().contains("root does not write there"), e.getMessage());
        assertTrue(e.getMessage().contains("sudo systemctl start latchkeyd"), e.getMessage());
        Files.setOwner(state, Files.getOwner(dir));
        assertEquals(state, StateDir.openToWrite(state), "root's own folder is root's to write");
    }

    @Test
    void theDoorKey_isReadOnlyFromASmallRegularFile_neverAPipeOrALink() throws Exception {
        Path state = daemonsFolder();
        Path mkfifo = OsTools.require("mkfifo", "coreutils");
        Process p =
                new ProcessBuilder(mkfifo.toString(), state.resolve("door.key").toString()).start();
        assertEquals(0, p.waitFor());
        IOException pipe = assertThrows(IOException.class, () -> DoorKeys.readKey(state));
        assertTrue(pipe.getMessage().contains("not a regular file"), pipe.getMessage());
        Files.delete(state.resolve("door.key"));

        Path secret = Files.writeString(dir.resolve("secret"), "not a key");
        Files.createSymbolicLink(state.resolve("door.key"), secret);
        assertThrows(IOException.class, () -> DoorKeys.readKey(state));
        Files.delete(state.resolve("door.key"));

        Files.write(state.resolve("door.key"), new byte[5000]);
        IOException big = assertThrows(IOException.class, () -> DoorKeys.readKey(state));
        assertTrue(big.getMessage().contains("larger than"), big.getMessage());
    }

    @Test
    void theLockRootMakesThere_isTheDaemonsToOpen() throws Exception {
        Path state = daemonsFolder();
        try (LockFile lock = StateDir.lock(state, "latchkey door key", Duration.ZERO)) {
            assertEquals(Files.getOwner(state), Files.getOwner(state.resolve(StateDir.LOCK)));
        }
    }
}
