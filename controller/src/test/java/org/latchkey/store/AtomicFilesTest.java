package org.latchkey.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.daemon.Latchkeyd;
import org.latchkey.testing.TestDoor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * Whole-file replacement: the temporary file is the writer's own, private from creation, never left
 * behind; leftovers from a crash are cleared at start (third review, findings 1 and 10).
 */
class AtomicFilesTest {
    @TempDir Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aNewFile_isReadableByItsOwnerOnly_anExistingOneKeepsItsMode() throws Exception {
        Path f = dir.resolve("time-floor");
        AtomicFiles.write(f, "1\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFiles.write(f, "2\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(List.of("time-floor"), names());
    }

    @Test
    void aFolderMadeInTheDaemonsFolder_isTheDaemons_evenWhenRootMadeIt() throws Exception {
        // A command run as root while latchkeyd is down (issuer enrol at installation) makes
        // issuers.d/ and audit/ in the daemon's state directory: they must be the daemon's, or it
        // cannot read its own enrolments. As root the parent is given to another user first; as
        // anyone else nothing can be given away, and the folder is simply the parent's owner's.
        Path state = Files.createDirectories(dir.resolve("state"));
        if ("root".equals(System.getProperty("user.name"))) {
            Files.setOwner(
                    state,
                    state.getFileSystem()
                            .getUserPrincipalLookupService()
                            .lookupPrincipalByName("nobody"));
        }
        Path made =
                AtomicFiles.createDirectories(
                        state.resolve("issuers.d").resolve("inner"),
                        PosixFilePermissions.fromString("rwx------"));
        assertEquals(Files.getOwner(state), Files.getOwner(made));
        assertEquals(Files.getOwner(state), Files.getOwner(made.getParent()));
        assertEquals(
                "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
    }

    @Test
    void aLeftoverTemporaryFile_isNeverWrittenInto_norTruncated() throws Exception {
        // Another user's file (or a crash's) at the name the first release always used.
        Path old = dir.resolve(".latchkey.toml.tmp");
        Files.writeString(old, "someone else's");
        AtomicFiles.write(
                dir.resolve("latchkey.toml"), "lock_id = \"x\"\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("someone else's", Files.readString(old));
    }

    @Test
    void aWriteThatFails_removesItsTemporaryFile() throws Exception {
        Path target = Files.createDirectories(dir.resolve("revocations.paseto"));
        Files.writeString(target.resolve("in-the-way"), "x"); // a folder the rename cannot replace
        assertThrows(IOException.class, () -> AtomicFiles.write(target, new byte[100]));
        assertEquals(List.of("revocations.paseto"), names(), "no temporary file left");
    }

    @Test
    void leftovers_areRemovedAtStart_only_ours() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.write(state.resolve(".revocations.paseto.tmp"), new byte[0]); // a full-disk install's
        Files.write(state.resolve(".once.log.0123456789abcdef.tmp"), new byte[3]);
        Files.writeString(state.resolve("notes.tmp"), "not ours: no dot in front");
        TestDoor.config()
                .set("state_dir = \"state\"")
                .table("[hal]\ndriver = \"simulated\"")
                .write(dir);
        Latchkeyd.Running door = Latchkeyd.start(dir.resolve("latchkey.toml"), true, 0);
        door.stop();
        try (Stream<Path> s = Files.list(state)) {
            List<String> left = s.map(p -> p.getFileName().toString()).toList();
            assertFalse(left.contains(".revocations.paseto.tmp"), left.toString());
            assertFalse(left.contains(".once.log.0123456789abcdef.tmp"), left.toString());
            assertTrue(left.contains("notes.tmp"), left.toString());
        }
        assertArrayEquals(
                "not ours: no dot in front".getBytes(StandardCharsets.UTF_8),
                Files.readAllBytes(state.resolve("notes.tmp")));
    }

    /**
     * Root's commands write into the daemon's state directory while it is down (revoke, clock
     * reset): what they leave must stay the daemon's to read, not a root-owned 0600 file.
     */
    @Test
    void rootWritingInAnotherUsersFolder_leavesFilesThatUsersOwn() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        var me = Files.getOwner(state);
        if (!System.getProperty("user.name").equals("root")) {
            AtomicFiles.write(state.resolve("mine"), new byte[] {1});
            assertEquals(me, Files.getOwner(state.resolve("mine")));
            return;
        }
        var daemon =
                dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(state, daemon);
        AtomicFiles.write(state.resolve("revocations.paseto"), new byte[] {1});
        assertEquals(daemon, Files.getOwner(state.resolve("revocations.paseto")), "a new file");
        AtomicFiles.write(state.resolve("revocations.paseto"), new byte[] {2});
        assertEquals(daemon, Files.getOwner(state.resolve("revocations.paseto")), "replaced");
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(state.resolve("revocations.paseto"))));
        try (Storage.Appender a = Storage.REAL.append(state.resolve("once.log"))) {
            a.write(new byte[] {3});
        }
        assertEquals(daemon, Files.getOwner(state.resolve("once.log")), "appended, new");

        Path rootsOwn = Files.createDirectory(dir.resolve("etc"));
        AtomicFiles.write(rootsOwn.resolve("latchkey.toml"), new byte[] {4});
        assertEquals(me, Files.getOwner(rootsOwn.resolve("latchkey.toml")), "root's stays root's");
    }

    /**
     * The daemon's user controls its folder: a link it plants where root's command appends, or
     * takes the lock, must not lead root's write to another file (an append to /etc/passwd).
     */
    @Test
    void aLinkPlantedInTheStateFolder_leadsNoWriteElsewhere() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        Path target = Files.writeString(dir.resolve("passwd"), "root:x:0:0\n");
        Files.createSymbolicLink(state.resolve("once.log"), target);
        assertThrows(IOException.class, () -> Storage.REAL.append(state.resolve("once.log")));
        Files.createSymbolicLink(state.resolve(".lock"), dir.resolve("nologin"));
        assertThrows(
                IOException.class,
                () -> StateDir.lock(state, "latchkey revoke", java.time.Duration.ZERO));
        assertEquals("root:x:0:0\n", Files.readString(target));
        assertTrue(!Files.exists(dir.resolve("nologin")), "no file made through the link");
        Files.setPosixFilePermissions(
                target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        AtomicFiles.write(state.resolve("once.log"), new byte[] {1}); // replaces the link itself
        assertEquals("root:x:0:0\n", Files.readString(target));
        assertTrue(!Files.isSymbolicLink(state.resolve("once.log")));
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(state.resolve("once.log"))),
                "nothing of the link's target is copied");
    }
}
