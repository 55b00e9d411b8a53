package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.daemon.Latchkeyd;
import org.latchkey.token.UnverifiedToken;

import java.nio.file.Path;

/** status and revoke, with the daemon down (state directory) and up (its API). */
class RevokeAndStatusTest {
    @TempDir Path dir;

    final CliRun cli = new CliRun();
    Path config;

    @BeforeEach
    void setUp() {
        assertEquals(
                0,
                cli.run(
                                "init",
                                "--config-dir",
                                dir.toString(),
                                "--lock-id",
                                "front-door",
                                "--driver",
                                "simulated",
                                "--no-passphrase")
                        .code());
        config = dir.resolve("latchkey.toml");
        // Keep clear of any real daemon on the default port.
        cli.run("issuer", "list", "--config", config.toString());
    }

    private String ownerToken(String jti) {
        CliRun.Result r =
                cli.run(
                        "token",
                        "issue",
                        "--key",
                        dir.resolve("owner.key").toString(),
                        "--config",
                        config.toString(),
                        "--role",
                        "guest",
                        "--sub",
                        "cleaner",
                        "--window",
                        "--for",
                        "2h",
                        "--jti",
                        jti);
        assertEquals(0, r.code(), r.err());
        return r.out().strip();
    }

    private static String ref(String token) throws Exception {
        UnverifiedToken t = UnverifiedToken.read(token);
        return t.kid() + "/" + t.claims().path("jti").asText();
    }

    @Test
    void status_daemonNotRunning_saysSo() {
        CliRun.Result r = cli.run("status", "--url", "http://127.0.0.1:9");
        assertEquals(ExitCode.FAILED, r.code());
        assertTrue(r.err().contains("latchkeyd is not running at http://127.0.0.1:9"), r.err());
        assertEquals(ExitCode.USAGE, cli.run("status", "--url", "ftp://x").code());
    }

    @Test
    void revoke_daemonDown_installsIntoTheStateDir_andTheTokenIsRefused() throws Exception {
        String token = ownerToken("cleaner-0000000001");
        CliRun.Result r =
                cli.run(
                        "revoke",
                        "--config",
                        config.toString(),
                        "--url",
                        "http://127.0.0.1:9",
                        "--jti",
                        ref(token));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("installed revocation list 1 into"), r.out());
        CliRun.Result verify = cli.run("token", "verify", "--config", config.toString(), token);
        assertEquals(ExitCode.REJECTED, verify.code());
        assertTrue(verify.err().startsWith("rejected: REVOKED"), verify.err());
        CliRun.Result list = cli.run("revoke", "--config", config.toString(), "--list");
        assertTrue(
                list.out().contains("seq 1") && list.out().contains("token  " + ref(token)),
                list.out());
        // The next list keeps what was revoked and adds to it.
        CliRun.Result second =
                cli.run(
                        "revoke",
                        "--config",
                        config.toString(),
                        "--url",
                        "http://127.0.0.1:9",
                        "--kid",
                        UnverifiedToken.read(token).kid());
        assertTrue(
                second.out().contains("installed revocation list 2")
                        && second.out().contains("1 key(s), 1 token(s)"),
                second.out());
    }

    @Test
    void revoke_withTheWrongKey_isRejected_andNothingIsInstalled() {
        cli.run(
                "keys",
                "generate",
                "--out",
                dir.toString(),
                "--name",
                "courier",
                "--no-passphrase");
        cli.run(
                "issuer",
                "add",
                "--config",
                config.toString(),
                "--name",
                "parcel-co",
                "--key",
                dir.resolve("courier.pub").toString(),
                "--roles",
                "delivery",
                "--max-window",
                "4h");
        String ref = "k4.pid.aRyJE1SXhtl9mXeoMwQQ93TwCb6SLbhMq9_FQat2WRFe/order-00000000001";
        CliRun.Result notOwner =
                cli.run(
                        "revoke",
                        "--config",
                        config.toString(),
                        "--url",
                        "http://127.0.0.1:9",
                        "--jti",
                        ref,
                        "--key",
                        dir.resolve("courier.key").toString());
        assertEquals(ExitCode.REJECTED, notOwner.code());
        assertTrue(notOwner.err().startsWith("rejected: NOT_SIGNERS_OWN"), notOwner.err());
        cli.run(
                "keys",
                "generate",
                "--out",
                dir.toString(),
                "--name",
                "stranger",
                "--no-passphrase");
        CliRun.Result stranger =
                cli.run(
                        "revoke",
                        "--config",
                        config.toString(),
                        "--url",
                        "http://127.0.0.1:9",
                        "--jti",
                        ref,
                        "--key",
                        dir.resolve("stranger.key").toString());
        assertTrue(stranger.err().startsWith("rejected: UNKNOWN_KEY"), stranger.err());
        assertTrue(
                cli.run("revoke", "--config", config.toString(), "--list")
                        .out()
                        .contains("none installed"));
        assertEquals(
                ExitCode.USAGE,
                cli.run("revoke", "--config", config.toString(), "--jti", "not-a-ref").code());
        assertEquals(ExitCode.USAGE, cli.run("revoke", "--config", config.toString()).code());
    }

    @Test
    void withTheDaemonUp_statusShowsTheDoor_andRevokeGoesThroughTheApi() throws Exception {
        Latchkeyd.Running daemon = Latchkeyd.start(config, true, 0);
        try {
            String url = "http://127.0.0.1:" + daemon.port();
            CliRun.Result status = cli.run("status", "--url", url);
            assertEquals(0, status.code(), status.err());
            assertTrue(
                    status.out().contains("(simulated hardware)")
                            && status.out().contains("alarms  none"),
                    status.out());
            assertTrue(
                    cli.run("status", "--json", "--url", url)
                            .out()
                            .contains("\"mode\":\"NORMAL\""));
            String token = ownerToken("cleaner-0000000002");
            CliRun.Result r =
                    cli.run(
                            "revoke",
                            "--config",
                            config.toString(),
                            "--url",
                            url,
                            "--jti",
                            ref(token));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("through latchkeyd at " + url), r.out());
        } finally {
            daemon.stop();
        }
        assertEquals(0, cli.run("audit", "verify", "--config", config.toString()).code());
    }

    @Test
    void rotatingTheOwnerKey_warns_theDoorStillStarts_andTheNewKeySignsTheNextList()
            throws Exception {
        String token = ownerToken("cleaner-0000000003");
        assertEquals(
                0,
                cli.run(
                                "revoke",
                                "--config",
                                config.toString(),
                                "--url",
                                "http://127.0.0.1:9",
                                "--jti",
                                ref(token))
                        .code());
        cli.run("keys", "generate", "--out", dir.toString(), "--name", "owner2", "--no-passphrase");
        assertEquals(
                0,
                cli.run(
                                "issuer",
                                "add",
                                "--config",
                                config.toString(),
                                "--name",
                                "owner2",
                                "--key",
                                dir.resolve("owner2.pub").toString(),
                                "--roles",
                                "owner",
                                "--max-window",
                                "30d")
                        .code());
        CliRun.Result removed =
                cli.run("issuer", "remove", "--config", config.toString(), "--name", "owner");
        assertEquals(0, removed.code(), removed.err());
        assertTrue(
                removed.err()
                                .contains(
                                        "warning: the installed revocations.paseto was signed by"
                                                + " owner")
                        && removed.err().contains("--resign"),
                removed.err());

        Latchkeyd.Running daemon =
                Latchkeyd.start(config, true, 0); // before: "does not verify (UNKNOWN_KEY)", exit 1
        try {
            String url = "http://127.0.0.1:" + daemon.port();
            CliRun.Result status = cli.run("status", "--url", url);
            assertTrue(status.out().contains("REVOCATION_SIGNER_UNTRUSTED"), status.out());
            CliRun.Result resign =
                    cli.run(
                            "revoke",
                            "--config",
                            config.toString(),
                            "--url",
                            url,
                            "--resign",
                            "--key",
                            dir.resolve("owner2.key").toString());
            assertEquals(0, resign.code(), resign.err());
            assertTrue(
                    resign.out().contains("installed revocation list 2")
                            && resign.out().contains("0 key(s), 1 token(s)"),
                    resign.out());
            assertTrue(cli.run("status", "--url", url).out().contains("alarms  none"));
        } finally {
            daemon.stop();
        }
        CliRun.Result verify = cli.run("token", "verify", "--config", config.toString(), token);
        assertTrue(verify.err().startsWith("rejected: "), "still refused: " + verify.err());
    }

    @Test
    void tokenIssuePng_isReadableByTheOwnerOnly() throws Exception {
        Path png = dir.resolve("token.png");
        CliRun.Result r =
                cli.run(
                        "token",
                        "issue",
                        "--key",
                        dir.resolve("owner.key").toString(),
                        "--config",
                        config.toString(),
                        "--role",
                        "guest",
                        "--sub",
                        "cleaner",
                        "--window",
                        "--for",
                        "2h",
                        "--png",
                        png.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        java.nio.file.Files.getPosixFilePermissions(png)),
                "a bearer credential");
    }
}
