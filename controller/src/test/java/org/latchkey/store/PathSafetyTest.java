package org.latchkey.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Who could point the door at another config or state directory: every folder the path's resolution
 * passes through must be the door's own or root's, and writable by nobody else.
 */
class PathSafetyTest {
    @TempDir Path dir;

    private Path folder(String name, String mode) throws Exception {
        Path p = Files.createDirectories(dir.resolve(name));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    private static Path file(Path folder) throws Exception {
        return Files.writeString(folder.resolve("latchkey.toml"), "lock_id = \"x\"\n");
    }

    @Test
    void ownFoldersAndFiles_areSafe() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertEquals(Optional.empty(), PathSafety.problem(file(folder("door", "rwxr-x---"))));
    }

    @Test
    void aFolderAnyoneMayWrite_orItsGroup_isNamed() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path open = folder("open", "rwxrwxrwx");
        String why = PathSafety.problem(file(open)).orElseThrow();
        assertTrue(why.startsWith(open + " is writable by every user"), why);
        Path group = folder("group", "rwxrwx---");
        assertTrue(PathSafety.problem(file(group)).orElseThrow().contains("by its group"));
    }

    @Test
    void aStickyFolder_likeTmp_isNoHole() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path sticky = folder("sticky", "rwxrwxrwx");
        Files.setAttribute(sticky, "unix:mode", 01777); // what chmod 1777 does
        Path door = Files.createDirectory(sticky.resolve("door"));
        Files.setPosixFilePermissions(door, PosixFilePermissions.fromString("rwx------"));
        assertEquals(Optional.empty(), PathSafety.problem(file(door)));
    }

    @Test
    void aLinkInAFolderAnyoneMayWrite_isNamed_thoughWhereItLeadsIsSafe() throws Exception {
        // The fourth review: /tmp/pub (0777) held a link `door` to a safe folder; the daemon took
        // it, then anyone swapped the link for a folder with their own config and key.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path safe = folder("d5", "rwxr-x---");
        file(safe);
        Path pub = folder("pub", "rwxrwxrwx");
        Path link = Files.createSymbolicLink(pub.resolve("door"), safe);
        String why = PathSafety.problem(link.resolve("latchkey.toml")).orElseThrow();
        assertTrue(why.startsWith(pub + " is writable by every user"), why);
    }

    @Test
    void aLinkWhoseTargetLiesBelowAFolderAnyoneMayWrite_isNamed() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path pub = folder("pub", "rwxrwxrwx");
        Path inside = Files.createDirectory(pub.resolve("inside"));
        Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rwx------"));
        file(inside);
        Path safe = folder("safe", "rwx------");
        // safe/door -> ../pub/inside (relative): the chain passes through pub
        Path link = Files.createSymbolicLink(safe.resolve("door"), Path.of("../pub/inside"));
        String why = PathSafety.problem(link.resolve("latchkey.toml")).orElseThrow();
        assertTrue(why.startsWith(pub + " is writable by every user"), why);
        // and through a second link, in a safe folder, to the first
        Path again = Files.createSymbolicLink(folder("safe2", "rwx------").resolve("x"), link);
        assertTrue(PathSafety.problem(again.resolve("latchkey.toml")).isPresent());
    }

    @Test
    void everyFolderPassedThrough_isListed_linksResolved() throws Exception {
        Path a = folder("a", "rwx------");
        Path b = folder("b", "rwx------");
        Path link = Files.createSymbolicLink(a.resolve("to-b"), b);
        var passed = PathSafety.passedThrough(link.resolve("f"));
        assertTrue(passed.contains(a.toRealPath()), passed.toString());
        assertTrue(passed.contains(b.toRealPath()), passed.toString());
        assertTrue(passed.contains(b.toRealPath().resolve("f")), passed.toString());
        assertTrue(passed.contains(Path.of("/")), passed.toString());
    }

    /**
     * Stage two found it: under the package the state directory belongs to the daemon's user, and
     * root's `latchkey init` refused it ("belongs to latchkey, who could replace it"), so no door
     * could be set up. Root acts on the daemon's own directory; the folders above stay root's.
     */
    @Test
    void theDaemonsStateDir_ownedByItsUser_isRootsToActOn_butOnlyThere() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path state = folder("state", "rwx------");
        if (!System.getProperty("user.name").equals("root")) {
            // Not root: the rule for the state directory is the strict one, and an own one passes.
            assertEquals(Optional.empty(), PathSafety.problemOfStateDir(state));
            return;
        }
        var nobody =
                dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(state, nobody);
        assertEquals(Optional.empty(), PathSafety.problemOfStateDir(state));
        assertTrue(PathSafety.problem(state).orElseThrow().contains("belongs to nobody"));

        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwx---"));
        assertTrue(PathSafety.problemOfStateDir(state).orElseThrow().contains("by its group"));

        Path above = folder("above", "rwx------");
        Path inside = Files.createDirectory(above.resolve("state"));
        Files.setOwner(above, nobody);
        assertTrue(
                PathSafety.problemOfStateDir(inside)
                        .orElseThrow()
                        .startsWith(above + " belongs to nobody"),
                "the folders above are still checked");
    }
}
