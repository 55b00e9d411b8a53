package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.daemon.Latchkeyd;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.UnverifiedToken;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A delivery company revokes its own token, off the door, with its own key and the door's card:
 * refused from then on, after a restart too; it cannot revoke the owner's.
 */
class CompanyRevocationTest {
    @TempDir Path dir;

    final CliRun cli = new CliRun();
    final HttpClient http = HttpClient.newHttpClient();
    Path config;
    Path card;

    @BeforeEach
    void setUp() throws Exception {
        cli.clock = java.time.InstantSource.system(); // tokens for a daemon on the real clock
        ok(
                cli.run(
                        "init",
                        "--config-dir",
                        dir.toString(),
                        "--lock-id",
                        "front-door",
                        "--driver",
                        "simulated",
                        "--no-passphrase"));
        config = dir.resolve("latchkey.toml");
        ok(
                cli.run(
                        "keys",
                        "generate",
                        "--out",
                        dir.toString(),
                        "--name",
                        "parcel-co",
                        "--no-passphrase"));
        ok(
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
                        "delivery",
                        "--max-window",
                        "4h"));
        CliRun.Result c =
                cli.run(
                        "door",
                        "card",
                        "--config",
                        config.toString(),
                        "--url",
                        "http://127.0.0.1:9");
        ok(c);
        card = Files.writeString(dir.resolve("front-door.card"), c.out());
    }

    private static CliRun.Result ok(CliRun.Result r) {
        assertEquals(0, r.code(), r.err());
        return r;
    }

    private String token(String key, String role, String jti) {
        return ok(cli.run(
                        "token",
                        "issue",
                        "--key",
                        dir.resolve(key).toString(),
                        "--door",
                        card.toString(),
                        "--role",
                        role,
                        "--sub",
                        "order " + jti,
                        "--window",
                        "--for",
                        "2h",
                        "--jti",
                        jti))
                .out()
                .strip();
    }

    private HttpResponse<String> post(Latchkeyd.Running d, String path, String body)
            throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Presented once the door is locked and still; a grant is let through and relocked. */
    private HttpResponse<String> present(Latchkeyd.Running d, String token) throws Exception {
        awaitLocked(d);
        HttpResponse<String> r = post(d, "/v1/access", token);
        if (r.statusCode() == 200) {
            awaitState(d, "UNLOCKED");
            post(d, "/v1/sim/door", "open");
            post(d, "/v1/sim/door", "close");
            awaitLocked(d);
        }
        return r;
    }

    private void awaitLocked(Latchkeyd.Running d) throws Exception {
        awaitState(d, "LOCKED");
    }

    private void awaitState(Latchkeyd.Running d, String state) throws Exception {
        for (int i = 0; i < 400; i++) {
            String st =
                    http.send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + d.port()
                                                                    + "/v1/status"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            if (st.contains("\"state\":\"" + state + "\"")) {
                return;
            }
            Thread.sleep(50); // a real daemon in real time: polling, bounded
        }
        throw new AssertionError("the door never reached " + state);
    }

    @Test
    void aCompanyRevokesItsOwnToken_refusedAfterwards_alsoAfterARestart_butNotTheOwners()
            throws Exception {
        String courier = token("parcel-co.key", "delivery", "order-0000004711");
        String other = token("parcel-co.key", "delivery", "order-0000004712");
        String owners = token("owner.key", "guest", "cleaner-000000001");
        Path list = dir.resolve("parcel-co.revocations");
        CliRun.Result signed =
                ok(
                        cli.run(
                                "revoke",
                                "--key",
                                dir.resolve("parcel-co.key").toString(),
                                "--door",
                                card.toString(),
                                "--jti",
                                "order-0000004711",
                                "--out",
                                list.toString()));
        assertTrue(signed.err().contains("replaces this key's previous list"), signed.err());

        Latchkeyd.Running d = Latchkeyd.start(config, true, 0);
        try {
            CliRun.Result installed =
                    ok(
                            cli.run(
                                    "revoke",
                                    "--install",
                                    list.toString(),
                                    "--config",
                                    config.toString(),
                                    "--url",
                                    "http://127.0.0.1:" + d.port()));
            assertTrue(installed.out().contains("installed through latchkeyd"), installed.out());
            HttpResponse<String> refused = present(d, courier);
            assertEquals(403, refused.statusCode());
            assertTrue(refused.body().contains("REVOKED"), refused.body());

            // Its key cannot reach the owner's tokens: a list naming one is refused whole.
            UnverifiedToken o = UnverifiedToken.read(owners);
            String grab =
                    AccessTokens.sign(
                            ((KeyFiles.Plain) KeyFiles.read(dir.resolve("parcel-co.key"))).key(),
                            ("{\"typ\":\"latchkey-revocation\",\"aud\":\""
                                            + UnverifiedToken.read(courier)
                                                    .claims()
                                                    .path("aud")
                                                    .asText()
                                            + "\",\"seq\":9007199254740000,\"iat\":\"2026-12-07T09:00:00Z\","
                                            + "\"jti\":[\""
                                            + o.kid()
                                            + "/"
                                            + o.claims().path("jti").asText()
                                            + "\"]}")
                                    .getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> notItsOwn = post(d, "/v1/revocations", grab);
            assertEquals(403, notItsOwn.statusCode());
            assertTrue(notItsOwn.body().contains("NOT_SIGNERS_OWN"), notItsOwn.body());
            HttpResponse<String> o2 = present(d, owners);
            assertEquals(200, o2.statusCode(), "the owner's token still opens: " + o2.body());
            assertEquals(200, present(d, other).statusCode(), "and the company's others");
        } finally {
            d.stop();
        }

        Latchkeyd.Running again = Latchkeyd.start(config, true, 0);
        try {
            HttpResponse<String> still = present(again, courier);
            assertEquals(403, still.statusCode(), "after a restart too");
            assertTrue(still.body().contains("REVOKED"), still.body());
        } finally {
            again.stop();
        }
        CliRun.Result shown = ok(cli.run("revoke", "--list", "--config", config.toString()));
        assertTrue(shown.out().contains("order-0000004711"), shown.out());
        assertTrue(shown.out().contains("revocation list of key k4.pid."), shown.out());
    }

    @Test
    void aCompanysCommand_refusesWhatIsNotItsOwn_beforeSigning() throws Exception {
        String ownerKid =
                UnverifiedToken.read(token("owner.key", "guest", "cleaner-000000002")).kid();
        CliRun.Result r =
                cli.run(
                        "revoke",
                        "--key",
                        dir.resolve("parcel-co.key").toString(),
                        "--door",
                        card.toString(),
                        "--jti",
                        ownerKid + "/cleaner-000000002",
                        "--out",
                        dir.resolve("x").toString());
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("may revoke only its own tokens"), r.err());
        assertTrue(Files.notExists(dir.resolve("x")));
    }
}
