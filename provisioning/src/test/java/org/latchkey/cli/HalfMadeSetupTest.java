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
    void forced_putsTheSetupBeforeItBack_andTwoInOneSecondDoNotCollide() throws Exception {
        Path config = Files.writeString(dir.resolve("latchkey.toml"), "old config\n");
        Path key = Files.writeString(dir.resolve("owner.key"), "old key");
        Files.writeString(dir.resolve("owner.key.replaced-20261208-091500"), "older still");
        HalfMadeSetup made = new HalfMadeSetup(config);
        made.setAside(config, "20261208-091500");
        made.setAside(key, "20261208-091500");
        assertEquals(
                "old key", Files.readString(dir.resolve("owner.key.replaced-20261208-091500-2")));
        made.keyFile(Files.writeString(key, "new key"));
        Files.writeString(config, "new config\n");
        assertEquals(Optional.empty(), made.takeBack("new config\n"));
        assertEquals("old config\n", Files.readString(config));
        assertEquals("old key", Files.readString(key));
        assertEquals(
                "older still", Files.readString(dir.resolve("owner.key.replaced-20261208-091500")));
        assertFalse(Files.exists(dir.resolve("owner.key.replaced-20261208-091500-2")));
    }

    @Test
    void nothingWritten_nothingTouched() throws Exception {
        Path config = Files.writeString(dir.resolve("latchkey.toml"), "lock_id = \"a\"\n");
        assertEquals(Optional.empty(), new HalfMadeSetup(config).takeBack("lock_id = \"a\"\n"));
        assertTrue(Files.exists(config), "no key file made: the config is not this init's");
    }
}
