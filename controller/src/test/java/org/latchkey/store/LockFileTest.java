package org.latchkey.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A lock guards only while its file is the one locked; removed or replaced, it is taken back. */
class LockFileTest {
    @TempDir Path dir;

    @Test
    void removed_guardsNoMore_untilTakenBack() throws Exception {
        Path file = dir.resolve(".lock");
        try (LockFile lock = LockFile.acquire(file, "test", Duration.ZERO)) {
            assertTrue(lock.stillGuards());
            Files.delete(file);
            assertFalse(lock.stillGuards());
            lock.retake();
            assertTrue(lock.stillGuards());
            assertTrue(Files.readString(file).contains("pid " + ProcessHandle.current().pid()));
        }
    }

    @Test
    void replaced_guardsNoMore_untilTakenBack() throws Exception {
        Path file = dir.resolve(".lock");
        try (LockFile lock = LockFile.acquire(file, "test", Duration.ZERO)) {
            Path other = Files.writeString(dir.resolve("other"), "pid 1 someone else\n");
            Files.move(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertFalse(lock.stillGuards());
            lock.retake();
            assertTrue(lock.stillGuards());
        }
    }

    @Test
    void released_theFileStays_andIsFreeAgain() throws Exception {
        Path file = dir.resolve(".lock");
        LockFile.acquire(file, "test", Duration.ZERO).close();
        assertTrue(Files.exists(file));
        try (LockFile again = LockFile.acquire(file, "test", Duration.ZERO)) {
            assertTrue(again.stillGuards());
        }
    }
}
