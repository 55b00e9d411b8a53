package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.DeviceConfigLoader;
import org.latchkey.store.LockFile;
import org.latchkey.store.RevocationStore;
import org.latchkey.testing.DaemonProcess;
import org.latchkey.token.TrustedIssuer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Commands run at the same moment by separate processes, as an installer's scripts (or an attacker)
 * would: every edit that reports success is in the file it leaves behind, and two latchkeyd never
 * share one state directory. And a careless umask changes no mode.
 */
class ConcurrentEditsTest {
    @TempDir Path dir;

    final CliRun cli = new CliRun();
    Path config;

    @BeforeEach
    void door() {
        CliRun.Result r =
                cli.run(
                        "init",
                        "--config-dir",
                        dir.toString(),
                        "--lock-id",
                        "front-door",
                        "--driver",
                        "simulated",
                        "--no-passphrase");
        assertEquals(0, r.code(), r.err());
        config = dir.resolve("latchkey.toml");
        for (String name : List.of("pa", "pb", "pc", "pd")) {
            CliRun.Result k =
                    cli.run(
                            "keys",
                            "generate",
                            "--out",
                            dir.resolve("keys").toString(),
                            "--name",
                            name,
                            "--no-passphrase");
            assertEquals(0, k.code(), k.err());
        }
    }

    private String[] add(String name) {
        return new String[] {
            "issuer",
            "add",
            "--config",
            config.toString(),
            "--name",
            name,
            "--key",
            dir.resolve("keys/" + name + ".pub").toString(),
            "--roles",
            "delivery",
            "--max-window",
            "4h"
        };
    }

    private List<String> issuers() throws Exception {
        DeviceConfig c = DeviceConfigLoader.load(config);
        return c.trustStore().issuers().stream().map(TrustedIssuer::name).toList();
    }

    @Test
    void issuerRemoveAndAdd_atTheSameMoment_bothChangesAreInTheFile() throws Exception {
        for (int round = 0; round < 5; round++) {
            assertEquals(0, cli.run(add("pb")).code());
            Process remove =
                    CliProcess.start(
                            "022",
                            dir,
                            "issuer",
                            "remove",
                            "--config",
                            config.toString(),
                            "--name",
                            "pb");
            Process add = CliProcess.start("022", dir, add("pc"));
            CliProcess.Result removed = CliProcess.await(remove);
            CliProcess.Result added = CliProcess.await(add);
            assertEquals(0, removed.code(), removed.err());
            assertEquals(0, added.code(), added.err());
            List<String> now = issuers();
            assertFalse(now.contains("pb"), "round " + round + ": pb is still trusted: " + now);
            assertTrue(now.contains("pc"), "round " + round + ": pc is missing: " + now);
            assertEquals(
                    0,
                    cli.run("issuer", "remove", "--config", config.toString(), "--name", "pc")
                            .code());
        }
    }

    @Test
    void twoIssuerAdds_atTheSameMoment_keepBoth() throws Exception {
        for (int round = 0; round < 3; round++) {
            Process a = CliProcess.start("022", dir, add("pa"));
            Process c = CliProcess.start("022", dir, add("pc"));
            assertEquals(0, CliProcess.await(a).code());
            assertEquals(0, CliProcess.await(c).code());
            assertTrue(issuers().containsAll(List.of("pa", "pc")), issuers().toString());
            cli.run("issuer", "remove", "--config", config.toString(), "--name", "pa");
            cli.run("issuer", "remove", "--config", config.toString(), "--name", "pc");
        }
        assertEquals(List.of(), leftovers(dir), "temporary files left behind");
    }

    @Test
    void twoRevokes_withTheDaemonDown_bothAreInForce_withSuccessiveNumbers() throws Exception {
        String kid = Files.readString(dir.resolve("owner.pub")).strip();
        String pid = org.latchkey.token.Paserk.pid(kid);
        Process one =
                CliProcess.start(
                        "022",
                        dir,
                        "revoke",
                        "--config",
                        config.toString(),
                        "--url",
                        "http://127.0.0.1:1",
                        "--jti",
                        pid + "/first-token-0000001");
        Process two =
                CliProcess.start(
                        "022",
                        dir,
                        "revoke",
                        "--config",
                        config.toString(),
                        "--url",
                        "http://127.0.0.1:1",
                        "--jti",
                        pid + "/second-token-000002");
        CliProcess.Result r1 = CliProcess.await(one);
        CliProcess.Result r2 = CliProcess.await(two);
        assertEquals(0, r1.code(), r1.err());
        assertEquals(0, r2.code(), r2.err());
        CliRun.Result list = cli.run("revoke", "--config", config.toString(), "--list");
        assertTrue(list.out().contains("revocation list seq 2"), list.out());
        assertTrue(list.out().contains("first-token-0000001"), list.out());
        assertTrue(list.out().contains("second-token-000002"), list.out());
        assertTrue(
                Files.readString(dir.resolve("state").resolve(RevocationStore.SEQ_FILE))
                        .contains("lock 2"));
    }

    @Test
    void aSecondLatchkeyd_onTheSameStateDirectory_refusesToStart() throws Exception {
        try (DaemonProcess first = DaemonProcess.start(config, dir.resolve("first.log"))) {
            AssertionError second =
                    assertThrows(
                            AssertionError.class,
                            () -> DaemonProcess.start(config, dir.resolve("second.log")));
            assertTrue(
                    second.getMessage().contains("is in use by another process"),
                    second.getMessage());
            assertTrue(second.getMessage().contains("latchkeyd"), second.getMessage());
            first.term();
        }
        // The first one's lock went with it: a door starts there again.
        try (DaemonProcess again = DaemonProcess.start(config, dir.resolve("again.log"))) {
            again.term();
        }
    }

    @Test
    void theStateLockRemovedWhileHeld_isTakenBackWithinASecond_soASecondDoorStillCannotStart()
            throws Exception {
        // The fourth review: `rm state/.lock`, and a second latchkeyd started and granted the same
        // once token as the first.
        Path lock = dir.resolve("state").resolve(".lock");
        try (DaemonProcess first = DaemonProcess.start(config, dir.resolve("first.log"))) {
            Files.delete(lock);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!Files.exists(lock)) {
                assertTrue(System.nanoTime() < deadline, "the lock file was not taken back");
                Thread.sleep(50);
            }
            AssertionError second =
                    assertThrows(
                            AssertionError.class,
                            () -> DaemonProcess.start(config, dir.resolve("second.log")));
            assertTrue(
                    second.getMessage().contains("is in use by another process"),
                    second.getMessage());
            assertTrue(first.process.isAlive());
            first.term();
        }
        assertTrue(
                Files.readString(dir.resolve("state/audit/audit.log"))
                        .contains("removed or replaced while latchkeyd held it: locked again"));
    }

    @Test
    void theStateLockTakenByAnotherProcessWhileHeld_stopsTheFirstDoor() throws Exception {
        Path lock = dir.resolve("state").resolve(".lock");
        try (DaemonProcess first = DaemonProcess.start(config, dir.resolve("first.log"))) {
            LockFile mine = null;
            for (int i = 0; i < 20 && mine == null; i++) { // the door may take it back first
                Files.deleteIfExists(lock);
                try {
                    mine = LockFile.acquire(lock, "the test", Duration.ZERO);
                } catch (LockFile.HeldException e) {
                    Thread.sleep(100);
                }
            }
            assertTrue(mine != null, "the test never got the lock file");
            try (LockFile held = mine) {
                assertTrue(first.process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
                assertEquals(4, first.process.exitValue(), "stopped: another process has it");
                assertTrue(held.stillGuards());
            }
        }
        assertTrue(
                Files.readString(dir.resolve("first.log"))
                        .contains("another process has locked it since"));
        assertTrue(
                Files.readString(dir.resolve("state/audit/audit.log"))
                        .contains("another process took the state directory"));
    }

    @Test
    void underACarelessUmask_secretsAndStateKeepTheirModes() throws Exception {
        Path door = dir.resolve("umask-door");
        CliProcess.Result init =
                CliProcess.run(
                        "000",
                        dir,
                        "init",
                        "--config-dir",
                        door.toString(),
                        "--lock-id",
                        "front-door",
                        "--driver",
                        "simulated",
                        "--no-passphrase");
        assertEquals(0, init.code(), init.err());
        CliProcess.Result keys =
                CliProcess.run(
                        "000",
                        dir,
                        "keys",
                        "generate",
                        "--out",
                        door.resolve("keys").toString(),
                        "--name",
                        "parcel-co",
                        "--no-passphrase");
        assertEquals(0, keys.code(), keys.err());
        assertEquals("rwxr-x---", mode(door));
        assertEquals("rw-------", mode(door.resolve("owner.key")));
        assertEquals("rw-r-----", mode(door.resolve("latchkey.toml")));
        assertEquals("rwx------", mode(door.resolve("keys")));
        assertEquals("rw-------", mode(door.resolve("keys/parcel-co.key")));

        Path config = door.resolve("latchkey.toml");
        try (DaemonProcess d =
                DaemonProcess.start(config, dir.resolve("umask.log"), List.of(), "000")) {
            d.term();
        }
        Path state = door.resolve("state");
        assertEquals("rwx------", mode(state));
        assertEquals("rwx------", mode(state.resolve("audit")));
        try (Stream<Path> files = Files.walk(state)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertEquals("rw-------", mode(f), f.toString());
            }
        }
    }

    @Test
    void aStateDirectoryOthersCouldWrite_isRefused_namingThePathAndTheFix() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        AssertionError refused =
                assertThrows(
                        AssertionError.class,
                        () -> DaemonProcess.start(config, dir.resolve("refused.log")));
        assertTrue(refused.getMessage().contains(state.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("chmod go-w"), refused.getMessage());
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static List<Path> leftovers(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
