package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.store.EnrolmentStore;
import org.latchkey.testing.DaemonProcess;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.Use;
import org.latchkey.web.WebCertificate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

/**
 * `latchkey issuer enrol|list|remove` for a phone's key and `latchkey web`, on real processes: with
 * latchkeyd down (the state directory, under its lock) and up (its API).
 */
class IssuerEnrolCommandTest {
    private static final SigningKey PHONE = SigningKey.generate(new SecureRandom());

    @TempDir Path dir;

    Path config;

    @BeforeEach
    void door() throws Exception {
        CliProcess.Result init =
                CliProcess.run(
                        "022",
                        dir,
                        "init",
                        "--config-dir",
                        dir.toString(),
                        "--lock-id",
                        "front-door",
                        "--driver",
                        "simulated",
                        "--no-passphrase");
        assertEquals(0, init.code(), init.err());
        config = dir.resolve("latchkey.toml");
    }

    private CliProcess.Result cli(String... args) throws Exception {
        return CliProcess.run("022", dir, args);
    }

    private String doorId() throws Exception {
        return org.latchkey.identity.DoorKeys.readPublic(config).orElseThrow().pid();
    }

    private String pass() throws Exception {
        Instant now = Instant.now();
        return AccessTokens.issue(
                PHONE,
                new AccessClaims(
                        "anna-phone",
                        doorId(),
                        "phone-pass-" + System.nanoTime(),
                        now,
                        now.minusSeconds(5),
                        now.plus(Duration.ofHours(1)),
                        Use.WINDOW,
                        Role.GUEST,
                        "guest"));
    }

    @Test
    void enrolledWhileTheDoorIsDown_trustedWhenItStarts_removedThroughIt() throws Exception {
        CliProcess.Result enrol =
                cli(
                        "issuer",
                        "enrol",
                        "--config",
                        config.toString(),
                        "--name",
                        "anna-phone",
                        "--key",
                        PHONE.publicKey().paserk(),
                        "--roles",
                        "owner",
                        "--max-window",
                        "62d",
                        "--url",
                        "http://127.0.0.1:1");
        assertEquals(0, enrol.code(), enrol.err());
        assertTrue(
                enrol.out()
                        .contains(
                                "'anna-phone' enrolled: may sign every role (owner) · longest"
                                        + " window 62d"),
                enrol.out());
        assertTrue(enrol.out().contains("latchkeyd trusts it when it starts"), enrol.out());
        assertTrue(enrol.out().contains("Import my enrolment"), enrol.out());
        assertTrue(
                Files.exists(
                        dir.resolve("state")
                                .resolve(EnrolmentStore.DIR)
                                .resolve(PHONE.publicKey().pid().substring(7) + ".paseto")));
        CliProcess.Result list =
                cli("issuer", "list", "--config", config.toString(), "--url", "http://127.0.0.1:1");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("anna-phone"), list.out());
        assertTrue(list.out().contains("enrolled by owner"), list.out());
        CliProcess.Result json =
                cli(
                        "issuer",
                        "list",
                        "--config",
                        config.toString(),
                        "--json",
                        "--url",
                        "http://127.0.0.1:1");
        assertEquals(
                "enrolled",
                org.latchkey.token.Json.read(json.out())
                        .path("issuers")
                        .get(1)
                        .path("source")
                        .asText(),
                json.out());

        try (DaemonProcess d = DaemonProcess.start(config, dir.resolve("d.log"))) {
            String answer = d.present(pass());
            assertTrue(answer.contains("\"granted\":true"), answer);
            CliProcess.Result listUp =
                    cli(
                            "issuer",
                            "list",
                            "--config",
                            config.toString(),
                            "--url",
                            "http://127.0.0.1:" + d.port);
            assertTrue(listUp.out().contains("enrolled by owner"), listUp.out());
            CliProcess.Result remove =
                    cli(
                            "issuer",
                            "remove",
                            "--config",
                            config.toString(),
                            "--name",
                            "anna-phone",
                            "--url",
                            "http://127.0.0.1:" + d.port);
            assertEquals(0, remove.code(), remove.err());
            assertTrue(
                    remove.out()
                            .contains(
                                    "removed: 'anna-phone' no longer trusted (through latchkeyd)"),
                    remove.out());
            assertTrue(d.present(pass()).contains("UNKNOWN_KEY"));
            d.term();
        }
        assertTrue(
                Files.readString(dir.resolve("state/audit/audit.log"))
                        .contains("\"type\":\"issuer_removed\""));
    }

    @Test
    void enrolledThroughTheRunningDoor_andItsMistakesNamed() throws Exception {
        try (DaemonProcess d = DaemonProcess.start(config, dir.resolve("d.log"))) {
            String url = "http://127.0.0.1:" + d.port;
            CliProcess.Result enrol =
                    cli(
                            "issuer",
                            "enrol",
                            "--config",
                            config.toString(),
                            "--name",
                            "anna-phone",
                            "--key",
                            PHONE.publicKey().paserk(),
                            "--roles",
                            "guest,delivery",
                            "--max-window",
                            "62d",
                            "--url",
                            url,
                            "--no-qr");
            assertEquals(0, enrol.code(), enrol.err());
            assertTrue(enrol.out().contains("through latchkeyd"), enrol.out());
            String answer = d.present(pass());
            assertTrue(answer.contains("\"granted\":true"), answer);

            CliProcess.Result clash =
                    cli(
                            "issuer",
                            "enrol",
                            "--config",
                            config.toString(),
                            "--name",
                            "owner",
                            "--key",
                            SigningKey.generate(new SecureRandom()).publicKey().paserk(),
                            "--roles",
                            "guest",
                            "--max-window",
                            "1d",
                            "--url",
                            url);
            assertEquals(3, clash.code(), clash.out());
            assertTrue(clash.err().contains("rejected: ALREADY_TRUSTED"), clash.err());

            CliProcess.Result tooLong =
                    cli(
                            "issuer",
                            "enrol",
                            "--config",
                            config.toString(),
                            "--name",
                            "x",
                            "--key",
                            PHONE.publicKey().paserk(),
                            "--roles",
                            "guest",
                            "--max-window",
                            "400d",
                            "--url",
                            url);
            assertEquals(2, tooLong.code());
            assertTrue(tooLong.err().contains("--max-window"), tooLong.err());
            d.term();
        }
    }

    @Test
    void web_showsTheAddressAndTheCertificatesFingerprint_orSaysWhatIsMissing() throws Exception {
        CliProcess.Result off = cli("web", "--config", config.toString());
        assertEquals(1, off.code());
        assertTrue(off.err().contains("add a [web] section"), off.err());
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Files.writeString(
                config,
                Files.readString(config)
                        + "\n[web]\nport = "
                        + port
                        + "\nhostname = \"frontdoor\"\n");
        CliProcess.Result before = cli("web", "--config", config.toString());
        assertEquals(1, before.code());
        assertTrue(before.err().contains("latchkeyd makes it when it starts"), before.err());
        try (DaemonProcess d = DaemonProcess.start(config, dir.resolve("d.log"))) {
            d.term();
        }
        CliProcess.Result on = cli("web", "--config", config.toString());
        assertEquals(0, on.code(), on.err());
        assertTrue(on.out().contains("https://frontdoor.local:" + port + "/"), on.out());
        String fingerprint =
                WebCertificate.fingerprint(WebCertificate.read(dir.resolve("state")).orElseThrow());
        assertTrue(on.out().contains("certificate SHA-256: " + fingerprint), on.out());
        assertTrue(on.out().contains("█") || on.out().contains("▀"), "a QR code: " + on.out());
        assertTrue(
                on.err().contains("nothing answers on port " + port),
                "the door is down: " + on.err());
    }
}
