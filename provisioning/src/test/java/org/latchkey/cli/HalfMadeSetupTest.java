package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A failed init takes back what it made, and nothing that another put in its place. */
class HalfMadeSetupTest {
    @TempDir Path dir;

    @Test
    void takesBackItsOwnFiles() throws Exception {
        Path config = dir.resolve("latchkey.toml");
        HalfMadeSetup made = new HalfMadeSetup(config);
        made.keyFile(Files.writeString(dir.resolve("owner.key"), "key"));
        made.keyFile(Files.writeString(dir.resolve("owner.pub"), "pub"));
        Files.writeString(config, "lock_id = \"a\"\n");
        assertEquals(Optional.empty(), made.takeBack("lock_id = \"a\"\n"));
        assertFalse(Files.exists(config));
        assertFalse(Files.exists(dir.resolve("owner.key")));
        assertFalse(Files.exists(dir.resolve("owner.pub")));
    }

    @Test
    void leavesWhatAnotherPutInItsPlace() throws Exception {
        Path config = dir.resolve("latchkey.toml");
        HalfMadeSetup made = new HalfMadeSetup(config);
        Path key = Files.writeString(dir.resolve("owner.key"), "mine");
        made.keyFile(key);
        // another init (--force) set it aside and wrote its own; someone edited the config
        Files.move(key, dir.resolve("owner.key.replaced-1"));
        Files.writeString(key, "theirs");
        Files.writeString(config, "lock_id = \"theirs\"\n");
        assertEquals(Optional.empty(), made.takeBack("lock_id = \"a\"\n"));
        assertEquals("theirs", Files.readString(key));
        assertTrue(Files.exists(config));
        assertTrue(Files.exists(dir.resolve("owner.key.replaced-1")));
    }

    @Test
    void nothingWritten_nothingTouched() throws Exception {
        Path config = Files.writeString(dir.resolve("latchkey.toml"), "lock_id = \"a\"\n");
        assertEquals(Optional.empty(), new HalfMadeSetup(config).takeBack("lock_id = \"a\"\n"));
        assertTrue(Files.exists(config), "no key file made: the config is not this init's");
    }
}
