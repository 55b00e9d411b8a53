package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.DeviceConfigLoader;
import org.latchkey.hal.HalConfig;
import org.latchkey.token.Paserk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class InitAndIssuerTest {
    @TempDir Path dir;

    final CliRun cli = new CliRun();
    Path config;

    @BeforeEach
    void init() {
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
        assertTrue(r.out().contains("Next steps:"), r.out());
        config = dir.resolve("latchkey.toml");
    }

    @Test
    void simulatedDoor_inThePackagesConfigDir_keepsItsStateWhereTheServiceMayWrite() {
        assertEquals("state", InitCommand.defaultStateDir(Path.of("/home/me/door"), "simulated"));
        assertEquals(
                "/var/lib/latchkey",
                InitCommand.defaultStateDir(Path.of("/etc/latchkey/"), "simulated"));
        assertEquals(
                "/var/lib/latchkey",
                InitCommand.defaultStateDir(Path.of("/etc/../etc/latchkey"), "simulated"));
        assertEquals("/var/lib/latchkey", InitCommand.defaultStateDir(Path.of("door"), "pi4j"));
    }

    @Test
    void init_writesACommentedValidConfig_trustingTheOwnerKey() throws Exception {
        DeviceConfig c = DeviceConfigLoader.load(config);
        assertEquals("front-door", c.lockId());
        assertEquals(HalConfig.Driver.SIMULATED, c.hal().driver());
        assertEquals(dir.resolve("state"), c.stateDir());
        String owner = Files.readString(dir.resolve("owner.pub")).strip();
        assertTrue(c.trustStore().find(Paserk.pid(owner)).orElseThrow().policy().isOwner());
        String text = Files.readString(config);
        assertTrue(text.lines().filter(l -> l.contains("#")).count() > 30, "commented");
        assertTrue(
                Files.readString(dir.resolve("owner.key"))
                        .startsWith("-----BEGIN PRIVATE KEY-----"));
    }

    @Test
    void init_refusesAnExistingSetup_unlessForced_andKeepsTheOldFiles() throws Exception {
        String before = Files.readString(config);
        CliRun.Result again =
                cli.run(
                        "init",
                        "--config-dir",
                        dir.toString(),
                        "--lock-id",
                        "back-door",
                        "--no-passphrase");
        assertEquals(ExitCode.FAILED, again.code());
        assertTrue(again.err().contains("refusing to overwrite"), again.err());
        assertEquals(before, Files.readString(config));
        CliRun.Result forced =
                cli.run(
                        "init",
                        "--config-dir",
                        dir.toString(),
                        "--lock-id",
                        "back-door",
                        "--no-passphrase",
                        "--force");
        assertEquals(0, forced.code(), forced.err());
        assertEquals("back-door", DeviceConfigLoader.load(config).lockId());
        try (var files = Files.list(dir)) {
            assertEquals(
                    3,
                    files.filter(
                                    p ->
                                            p.getFileName()
                                                    .toString()
                                                    .endsWith(".replaced-20261125-090000"))
                            .count());
        }
    }

    @Test
    void init_refusesAStateDirectoryItCannotMake_beforeWritingOrAskingAnything() throws Exception {
        Path other = dir.resolve("other");
        Files.writeString(dir.resolve("a-file"), "not a folder");
        cli.answers.add("a passphrase long enough".toCharArray());
        CliRun.Result r =
                cli.run(
                        "init",
                        "--config-dir",
                        other.toString(),
                        "--lock-id",
                        "gate",
                        "--driver",
                        "simulated",
                        "--state-dir",
                        dir.resolve("a-file").resolve("state").toString());
        assertEquals(ExitCode.FAILED, r.code(), r.err());
        assertTrue(
                r.err().contains("the state directory") && r.err().contains("is not a folder"),
                r.err());
        assertEquals(1, cli.answers.size(), "refused before the passphrase was asked");
        assertTrue(!Files.exists(other), "nothing written");
    }

    @Test
    void init_thatFailsHalfWay_takesBackWhatItWrote_soThatRunningItAgainWorks() throws Exception {
        Path other = dir.resolve("other");
        Path unsafe = Files.createDirectory(dir.resolve("open-to-all"));
        Files.setPosixFilePermissions(
                unsafe, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        CliRun.Result failed = cli.init(other, "--state-dir", unsafe.toString());
        assertEquals(ExitCode.FAILED, failed.code(), failed.err());
        assertTrue(failed.err().contains("state directory cannot be used"), failed.err());
        try (var left = Files.list(other)) {
            assertEquals(
                    List.of(),
                    left.map(f -> f.getFileName().toString())
                            .filter(f -> !f.equals(".latchkey.toml.lock")) // the edit lock stays
                            .toList(),
                    "the half-made setup taken back");
        }
        CliRun.Result again = cli.init(other);
        assertEquals(0, again.code(), again.err());
    }

    @Test
    void forcedInit_thatFailsHalfWay_putsTheSetupBeforeItBack() throws Exception {
        String key = Files.readString(dir.resolve("owner.key"));
        String text = Files.readString(config);
        Path unsafe = Files.createDirectory(dir.resolve("open-to-all"));
        Files.setPosixFilePermissions(
                unsafe, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        CliRun.Result failed = cli.init(dir, "--force", "--state-dir", unsafe.toString());
        assertEquals(ExitCode.FAILED, failed.code(), failed.err());
        assertTrue(failed.err().contains("and the setup before it put back"), failed.err());
        assertEquals(key, Files.readString(dir.resolve("owner.key")));
        assertEquals(text, Files.readString(config));
        try (var files = Files.list(dir)) {
            assertEquals(
                    0,
                    files.filter(p -> p.getFileName().toString().contains(".replaced-")).count());
        }
    }

    @Test
    void fileProblems_areSaidInWords() {
        assertEquals(
                "permission denied: /etc/latchkey",
                IoProblems.describe(new java.nio.file.AccessDeniedException("/etc/latchkey")));
        assertEquals(
                "no such file or folder: keys/owner.key",
                IoProblems.describe(new java.nio.file.NoSuchFileException("keys/owner.key")));
    }

    @Test
    void init_withPassphrase_encryptsTheOwnerKey_pi4jDefaultsToVarLib() throws Exception {
        Path other = dir.resolve("pi");
        Files.writeString(dir.resolve("pass"), "long enough passphrase\n");
        assertEquals(
                0,
                cli.run(
                                "init",
                                "--config-dir",
                                other.toString(),
                                "--lock-id",
                                "gate",
                                "--passphrase-file",
                                dir.resolve("pass").toString())
                        .code());
        assertTrue(
                Files.readString(other.resolve("owner.key"))
                        .startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        assertEquals(
                Path.of("/var/lib/latchkey"),
                DeviceConfigLoader.load(other.resolve("latchkey.toml")).stateDir());
        assertEquals(
                ExitCode.USAGE,
                cli.run("init", "--config-dir", other.toString(), "--lock-id", "bad id!").code());
    }

    @Test
    void issuerAdd_refusesTheDoorsOwnKey() throws Exception {
        String before = java.nio.file.Files.readString(config);
        CliRun.Result r =
                cli.run(
                        "issuer",
                        "add",
                        "--config",
                        config.toString(),
                        "--name",
                        "sneaky",
                        "--key",
                        dir.resolve("door.pub").toString(),
                        "--roles",
                        "owner",
                        "--max-window",
                        "4h");
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("is this door's own key"), r.err());
        assertEquals(before, java.nio.file.Files.readString(config), "nothing written");
    }

    @Test
    void issuerAdd_list_remove_keepsCommentsAndValidates() throws Exception {
        cli.run(
                "keys",
                "generate",
                "--out",
                dir.toString(),
                "--name",
                "parcel-co",
                "--no-passphrase");
        CliRun.Result add =
                cli.run(
                        "issuer",
                        "add",
                        "--config",
                        config.toString(),
                        "--name",
                        "parcel-co",
                        "--key",
                        dir.resolve("parcel-co.pub").toString(),
                        "--roles",
                        "delivery,service",
                        "--max-window",
                        "4h",
                        "--hours",
                        "Mon-Sat 08:00-20:00",
                        "--once-only");
        assertEquals(0, add.code(), add.err());
        DeviceConfig c = DeviceConfigLoader.load(config);
        assertEquals(2, c.trustStore().issuers().size());
        String text = Files.readString(config);
        assertTrue(text.contains("# The owner's key"), "comments survive");

        CliRun.Result list = cli.run("issuer", "list", "--config", config.toString());
        assertTrue(
                list.out().contains("parcel-co") && list.out().contains("once only"), list.out());
        CliRun.Result json = cli.run("issuer", "list", "--json", "--config", config.toString());
        assertTrue(json.out().contains("\"once_only\" : true"), json.out());

        // The same key again, a bad key, a bad window: refused, file unchanged.
        String now = Files.readString(config);
        assertEquals(
                ExitCode.FAILED,
                cli.run(
                                "issuer",
                                "add",
                                "--config",
                                config.toString(),
                                "--name",
                                "again",
                                "--key",
                                dir.resolve("parcel-co.pub").toString(),
                                "--roles",
                                "guest",
                                "--max-window",
                                "1h")
                        .code());
        assertEquals(
                ExitCode.FAILED,
                cli.run(
                                "issuer",
                                "add",
                                "--config",
                                config.toString(),
                                "--name",
                                "zero",
                                "--key",
                                Paserk.encodePublic(new byte[32]),
                                "--roles",
                                "guest",
                                "--max-window",
                                "1h")
                        .code());
        assertEquals(
                ExitCode.USAGE,
                cli.run(
                                "issuer",
                                "add",
                                "--config",
                                config.toString(),
                                "--name",
                                "x",
                                "--key",
                                dir.resolve("parcel-co.pub").toString(),
                                "--roles",
                                "janitor",
                                "--max-window",
                                "1h")
                        .code());
        assertEquals(now, Files.readString(config));

        CliRun.Result remove =
                cli.run("issuer", "remove", "--config", config.toString(), "--name", "parcel-co");
        assertEquals(0, remove.code(), remove.err());
        assertEquals(1, DeviceConfigLoader.load(config).trustStore().issuers().size());
        assertFalse(Files.readString(config).contains("Added by `latchkey issuer add`"));
        assertEquals(
                ExitCode.FAILED,
                cli.run("issuer", "remove", "--config", config.toString(), "--name", "parcel-co")
                        .code());
        // The last owner cannot be removed: the file would not be a valid config.
        CliRun.Result owner =
                cli.run("issuer", "remove", "--config", config.toString(), "--name", "owner");
        assertEquals(ExitCode.FAILED, owner.code());
        assertTrue(owner.err().contains("no issuer has the owner role"), owner.err());
    }
}
