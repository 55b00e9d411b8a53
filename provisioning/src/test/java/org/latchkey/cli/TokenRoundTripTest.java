package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.testing.TestDoor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * keys → config → issue → verify, through picocli against a temp folder, with every failure's exit
 * code.
 */
class TokenRoundTripTest {
    @TempDir Path dir;

    final CliRun cli = new CliRun();
    Path config;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(dir.resolve("pass"), "correct horse battery staple\n");
        assertEquals(
                0,
                cli.run(
                                "keys",
                                "generate",
                                "--out",
                                dir.toString(),
                                "--name",
                                "owner",
                                "--passphrase-file",
                                dir.resolve("pass").toString())
                        .code());
        assertEquals(
                0,
                cli.run(
                                "keys",
                                "generate",
                                "--out",
                                dir.toString(),
                                "--name",
                                "courier",
                                "--no-passphrase")
                        .code());
        config = dir.resolve("latchkey.toml");
        TestDoor.config()
                .keys(pub("owner"), pub("courier"))
                .set("timezone = \"UTC\"")
                .courier("once_only = true")
                .write(dir);
    }

    private String pub(String name) throws Exception {
        return Files.readString(dir.resolve(name + ".pub")).strip();
    }

    private String issueCourier(String... extra) {
        String[] base = {
            "token",
            "issue",
            "--key",
            dir.resolve("courier.key").toString(),
            "--lock",
            org.latchkey.testing.TestDoor.DOOR_ID,
            "--role",
            "delivery",
            "--sub",
            "order 77",
            "--once",
            "--for",
            "2h",
            "--jti",
            "order-000000000077"
        };
        String[] args =
                java.util.stream.Stream.concat(
                                java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                        .toArray(String[]::new);
        CliRun.Result r = cli.run(args);
        assertEquals(0, r.code(), r.err());
        return r.out().strip();
    }

    @Test
    void keysGenerate_writesKeyFilesAndPrintsKid() throws Exception {
        String pubText = pub("courier");
        assertTrue(pubText.startsWith("k4.public."));
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve("owner.key"))));
        assertTrue(
                Files.readString(dir.resolve("owner.key"))
                        .startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        assertTrue(
                Files.readString(dir.resolve("courier.key"))
                        .startsWith("-----BEGIN PRIVATE KEY-----"));
        CliRun.Result r =
                cli.run(
                        "keys",
                        "generate",
                        "--out",
                        dir.resolve("sub").toString(),
                        "--name",
                        "x",
                        "--no-passphrase");
        assertEquals(0, r.code());
        assertEquals(
                org.latchkey.token.Paserk.pid(Files.readString(dir.resolve("sub/x.pub")).strip()),
                r.out().strip());
    }

    @Test
    void keysGenerate_existingFiles_areNotOverwritten() throws Exception {
        String before = Files.readString(dir.resolve("courier.key"));
        CliRun.Result r =
                cli.run(
                        "keys",
                        "generate",
                        "--out",
                        dir.toString(),
                        "--name",
                        "courier",
                        "--no-passphrase");
        assertEquals(ExitCode.FAILED, r.code());
        assertTrue(r.err().contains("already exists"), r.err());
        assertEquals(before, Files.readString(dir.resolve("courier.key")));
        // Only the .pub exists: still refused, and no .key is written.
        Files.writeString(dir.resolve("lonely.pub"), "x");
        assertEquals(
                ExitCode.FAILED,
                cli.run(
                                "keys",
                                "generate",
                                "--out",
                                dir.toString(),
                                "--name",
                                "lonely",
                                "--no-passphrase")
                        .code());
        assertFalse(Files.exists(dir.resolve("lonely.key")));
    }

    @Test
    void keysGenerate_asksOnTheTerminal_twice() throws Exception {
        cli.answers.add("s3cret-pass".toCharArray());
        cli.answers.add("s3cret-pass".toCharArray());
        assertEquals(
                0, cli.run("keys", "generate", "--out", dir.toString(), "--name", "asked").code());
        cli.answers.add("s3cret-pass".toCharArray());
        CliRun.Result r =
                cli.run(
                        "token",
                        "issue",
                        "--key",
                        dir.resolve("asked.key").toString(),
                        "--lock",
                        org.latchkey.testing.TestDoor.DOOR_ID,
                        "--role",
                        "guest",
                        "--sub",
                        "x",
                        "--window",
                        "--for",
                        "1h");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void keysGenerate_mismatchedOrMissingPassphrase_fails() {
        cli.answers.add("one".toCharArray());
        cli.answers.add("two".toCharArray());
        assertEquals(
                ExitCode.FAILED,
                cli.run("keys", "generate", "--out", dir.toString(), "--name", "m").code());
        cli.terminal = false;
        CliRun.Result r = cli.run("keys", "generate", "--out", dir.toString(), "--name", "m");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("--passphrase-file FILE or --no-passphrase"), r.err());
        assertFalse(Files.exists(dir.resolve("m.key")));
    }

    @Test
    void issueThenVerify_accepts_andPrintsTheGrant() {
        String token = issueCourier();
        CliRun.Result r = cli.run("token", "verify", "--config", config.toString(), token);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("valid: delivery token, use once, for \"order 77\""), r.out());
        assertTrue(r.out().contains("parcel-co"));
        CliRun.Result json =
                cli.run("token", "verify", "--json", "--config", config.toString(), token);
        assertTrue(
                json.out().contains("\"valid\" : true")
                        && json.out().contains("\"jti\" : \"order-000000000077\""),
                json.out());
    }

    @Test
    void verify_oneCharacterChanged_isRejectedWithExit3() {
        String token = issueCourier();
        int i = 40;
        String changed =
                token.substring(0, i)
                        + (token.charAt(i) == 'A' ? 'B' : 'A')
                        + token.substring(i + 1);
        CliRun.Result r = cli.run("token", "verify", "--config", config.toString(), changed);
        assertEquals(ExitCode.REJECTED, r.code());
        assertTrue(
                r.err().startsWith("rejected: BAD_SIGNATURE\n")
                        || r.err().startsWith("rejected: MALFORMED\n"),
                r.err());
    }

    @Test
    void verify_eachRejection_hasItsReasonAndExit3() throws Exception {
        String token = issueCourier();
        assertRejected(
                "EXPIRED",
                "verify",
                "--config",
                config.toString(),
                "--at",
                "2026-11-25T11:01:00Z",
                token);
        String later =
                cli.run(
                                "token",
                                "issue",
                                "--key",
                                dir.resolve("courier.key").toString(),
                                "--lock",
                                org.latchkey.testing.TestDoor.DOOR_ID,
                                "--role",
                                "delivery",
                                "--sub",
                                "x",
                                "--once",
                                "--not-before",
                                "2026-11-25T10:00:00Z",
                                "--for",
                                "1h")
                        .out()
                        .strip();
        assertRejected(
                "NOT_YET_VALID",
                "verify",
                "--config",
                config.toString(),
                "--at",
                "2026-11-25T09:58:59Z",
                later);
        assertEquals(
                0,
                cli.run(
                                "token",
                                "verify",
                                "--config",
                                config.toString(),
                                "--at",
                                "2026-11-25T09:59:00Z",
                                later)
                        .code());
        assertRejected("MALFORMED", "verify", "--config", config.toString(), "v4.local.abc");
        String otherLock =
                cli.run(
                                "token",
                                "issue",
                                "--key",
                                dir.resolve("courier.key").toString(),
                                "--lock",
                                org.latchkey.testing.TestDoor.OTHER_DOOR_ID,
                                "--role",
                                "delivery",
                                "--sub",
                                "x",
                                "--once",
                                "--for",
                                "1h")
                        .out()
                        .strip();
        assertRejected("WRONG_LOCK", "verify", "--config", config.toString(), otherLock);
        String window =
                cli.run(
                                "token",
                                "issue",
                                "--key",
                                dir.resolve("courier.key").toString(),
                                "--lock",
                                org.latchkey.testing.TestDoor.DOOR_ID,
                                "--role",
                                "delivery",
                                "--sub",
                                "x",
                                "--window",
                                "--for",
                                "1h")
                        .out()
                        .strip();
        assertRejected("USE_NOT_ALLOWED", "verify", "--config", config.toString(), window);
        String guest =
                cli.run(
                                "token",
                                "issue",
                                "--key",
                                dir.resolve("courier.key").toString(),
                                "--lock",
                                org.latchkey.testing.TestDoor.DOOR_ID,
                                "--role",
                                "guest",
                                "--sub",
                                "x",
                                "--once",
                                "--for",
                                "1h")
                        .out()
                        .strip();
        assertRejected("ROLE_NOT_ALLOWED", "verify", "--config", config.toString(), guest);
        String long5h =
                cli.run(
                                "token",
                                "issue",
                                "--key",
                                dir.resolve("courier.key").toString(),
                                "--lock",
                                org.latchkey.testing.TestDoor.DOOR_ID,
                                "--role",
                                "delivery",
                                "--sub",
                                "x",
                                "--once",
                                "--for",
                                "5h")
                        .out()
                        .strip();
        assertRejected("WINDOW_TOO_LONG", "verify", "--config", config.toString(), long5h);
        cli.run(
                "keys",
                "generate",
                "--out",
                dir.toString(),
                "--name",
                "stranger",
                "--no-passphrase");
        String stranger =
                cli.run(
                                "token",
                                "issue",
                                "--key",
                                dir.resolve("stranger.key").toString(),
                                "--lock",
                                org.latchkey.testing.TestDoor.DOOR_ID,
                                "--role",
                                "delivery",
                                "--sub",
                                "x",
                                "--once",
                                "--for",
                                "1h")
                        .out()
                        .strip();
        assertRejected("UNKNOWN_KEY", "verify", "--config", config.toString(), stranger);
    }

    private void assertRejected(String reason, String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "token";
        System.arraycopy(args, 0, full, 1, args.length);
        CliRun.Result r = cli.run(full);
        assertEquals(ExitCode.REJECTED, r.code(), r.err());
        assertTrue(r.err().startsWith("rejected: " + reason + "\n"), r.err());
    }

    @Test
    void verify_jsonRejection_printsReasonOnStdout() {
        CliRun.Result r =
                cli.run("token", "verify", "--json", "--config", config.toString(), "garbage");
        assertEquals(ExitCode.REJECTED, r.code());
        assertTrue(r.out().contains("\"reason\" : \"MALFORMED\""), r.out());
    }

    @Test
    void verify_badConfig_failsWithTheFileAndKey() throws Exception {
        Files.writeString(config, Files.readString(config).replace("\"30d\"", "\"forever\""));
        CliRun.Result r = cli.run("token", "verify", "--config", config.toString(), issueCourier());
        assertEquals(ExitCode.FAILED, r.code());
        assertTrue(
                r.err().contains(config + ": issuers[1].max_window: 'forever' is not a duration"),
                r.err());
    }

    @Test
    void issue_encryptedKey_wrongPassphrase_fails() throws Exception {
        Files.writeString(dir.resolve("wrong"), "nope\n");
        CliRun.Result r =
                cli.run(
                        "token",
                        "issue",
                        "--key",
                        dir.resolve("owner.key").toString(),
                        "--passphrase-file",
                        dir.resolve("wrong").toString(),
                        "--lock",
                        org.latchkey.testing.TestDoor.DOOR_ID,
                        "--role",
                        "guest",
                        "--sub",
                        "x",
                        "--window",
                        "--for",
                        "1h");
        assertEquals(ExitCode.FAILED, r.code());
        assertTrue(r.err().contains("wrong passphrase"), r.err());
    }

    @Test
    void issue_ownerKeyWithPassphrase_verifies() {
        CliRun.Result r =
                issueCleaner(
                        "--not-before",
                        "2026-11-25T10:00:00Z",
                        "--expires",
                        "2026-11-26T10:00:00Z");
        assertEquals(0, r.code(), r.err());
        assertEquals(
                0,
                cli.run(
                                "token",
                                "verify",
                                "--config",
                                config.toString(),
                                "--at",
                                "2026-11-25T12:00:00Z",
                                r.out().strip())
                        .code());
    }

    /** "Tuesdays 10-13 for a few weeks" is one command and one token, checked at the door. */
    @Test
    void issue_withHours_opensOnlyThen() {
        CliRun.Result r =
                issueCleaner(
                        "--not-before",
                        "2026-11-24T00:00:00Z",
                        "--expires",
                        "2026-12-20T00:00:00Z",
                        "--hours",
                        "Tue 10:00-13:00");
        assertEquals(0, r.code(), r.err());
        String token = r.out().strip();
        CliRun.Result inspect = cli.run("token", "inspect", token);
        assertTrue(inspect.out().contains("Tue 10:00-13:00"), inspect.out());
        CliRun.Result tuesday = verifyAt(token, "2026-12-01T11:00:00Z");
        assertEquals(0, tuesday.code(), tuesday.err());
        assertTrue(tuesday.out().contains("hours   Tue 10:00-13:00 (UTC)"), tuesday.out());
        assertTrue(
                tuesday.out()
                        .contains("window  2026-11-24 00:00 +00:00 to 2026-12-20 00:00 +00:00"),
                tuesday.out());
        CliRun.Result wednesday = verifyAt(token, "2026-12-02T11:00:00Z");
        assertEquals(ExitCode.REJECTED, wednesday.code());
        assertTrue(wednesday.err().contains("OUTSIDE_HOURS"), wednesday.err());
        assertTrue(wednesday.err().contains("this pass is valid only Tue"), wednesday.err());

        CliRun.Result bad =
                cli.run(
                        "token",
                        "issue",
                        "--key",
                        dir.resolve("courier.key").toString(),
                        "--lock",
                        org.latchkey.testing.TestDoor.DOOR_ID,
                        "--role",
                        "delivery",
                        "--sub",
                        "x",
                        "--once",
                        "--for",
                        "1h",
                        "--hours",
                        "Tuesdays");
        assertEquals(ExitCode.USAGE, bad.code());
        assertTrue(bad.err().contains("--hours: 'Tuesdays' is not of the form"), bad.err());
    }

    /** The owner's window token for "cleaner", with its times (and more) given. */
    private CliRun.Result issueCleaner(String... more) {
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "token",
                                "issue",
                                "--key",
                                dir.resolve("owner.key").toString(),
                                "--passphrase-file",
                                dir.resolve("pass").toString(),
                                "--lock",
                                org.latchkey.testing.TestDoor.DOOR_ID,
                                "--role",
                                "guest",
                                "--sub",
                                "cleaner",
                                "--window"));
        args.addAll(List.of(more));
        return cli.run(args.toArray(String[]::new));
    }

    private CliRun.Result verifyAt(String token, String at) {
        return cli.run("token", "verify", "--config", config.toString(), "--at", at, token);
    }

    @Test
    void issue_badArguments_areUsageErrors() {
        String key = dir.resolve("courier.key").toString();
        List<List<String>> bad =
                List.of(
                        List.of("--role", "admin", "--once", "--for", "1h"),
                        List.of("--role", "guest", "--once", "--window", "--for", "1h"),
                        List.of(
                                "--role",
                                "guest",
                                "--once",
                                "--for",
                                "1h",
                                "--expires",
                                "2026-11-26T10:00:00Z"),
                        List.of("--role", "guest", "--once", "--expires", "tomorrow"),
                        List.of("--role", "guest", "--once", "--for", "1h", "--jti", "short"),
                        List.of("--role", "guest", "--once", "--expires", "2026-11-25T08:00:00Z"));
        for (List<String> args : bad) {
            List<String> all =
                    new java.util.ArrayList<>(
                            List.of(
                                    "token",
                                    "issue",
                                    "--key",
                                    key,
                                    "--lock",
                                    org.latchkey.testing.TestDoor.DOOR_ID,
                                    "--sub",
                                    "x"));
            all.addAll(args);
            assertEquals(
                    ExitCode.USAGE, cli.run(all.toArray(String[]::new)).code(), args.toString());
        }
        assertEquals(
                ExitCode.FAILED,
                cli.run(
                                "token",
                                "issue",
                                "--key",
                                dir.resolve("none.key").toString(),
                                "--lock",
                                org.latchkey.testing.TestDoor.DOOR_ID,
                                "--role",
                                "guest",
                                "--sub",
                                "x",
                                "--once",
                                "--for",
                                "1h")
                        .code());
        assertEquals(
                ExitCode.FAILED,
                cli.run(
                                "token",
                                "issue",
                                "--key",
                                dir.resolve("courier.pub").toString(),
                                "--lock",
                                org.latchkey.testing.TestDoor.DOOR_ID,
                                "--role",
                                "guest",
                                "--sub",
                                "x",
                                "--once",
                                "--for",
                                "1h")
                        .code());
    }

    @Test
    void inspect_showsClaims_markedNotVerified() {
        String token = issueCourier();
        CliRun.Result r = cli.run("token", "inspect", token);
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("NOT VERIFIED"), r.out());
        assertTrue(r.out().contains("jti   order-000000000077"));
        CliRun.Result json = cli.run("token", "inspect", "--json", token);
        assertTrue(json.out().contains("\"verified\" : false"), json.out());
        assertEquals(ExitCode.REJECTED, cli.run("token", "inspect", "nonsense").code());
    }

    @Test
    void everyCommand_hasHelp_andVersionWorks() {
        for (String[] args :
                new String[][] {
                    {"--help"},
                    {"keys", "--help"},
                    {"keys", "generate", "--help"},
                    {"token", "--help"},
                    {"token", "issue", "--help"},
                    {"token", "inspect", "--help"},
                    {"token", "verify", "--help"},
                    {"init", "--help"},
                    {"issuer", "--help"},
                    {"issuer", "add", "--help"},
                    {"issuer", "list", "--help"},
                    {"issuer", "remove", "--help"},
                    {"revoke", "--help"},
                    {"status", "--help"},
                    {"hw-test", "--help"},
                    {"audit", "--help"},
                    {"audit", "verify", "--help"},
                    {"audit", "show", "--help"},
                    {"bench", "--help"}
                }) {
            CliRun.Result r = cli.run(args);
            assertEquals(0, r.code(), String.join(" ", args));
            assertTrue(r.out().contains("Usage: latchkey"), r.out());
        }
        assertTrue(cli.run("--version").out().startsWith("latchkey "));
        assertEquals(ExitCode.USAGE, cli.run("frobnicate").code());
    }
}
