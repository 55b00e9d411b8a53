package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.audit.AuditVerifier;
import org.latchkey.identity.DoorKeys;
import org.latchkey.testing.DaemonProcess;
import org.latchkey.token.DoorCard;
import org.latchkey.token.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * The documented upgrade step, on a config and state directory made by the release before door
 * identities (test resources, compat/door-made-by-bd9fa61): before it the door has no identity and
 * says so; `latchkey door key` gives it one (keeping its history); tokens naming it by its lock_id
 * are then refused with a hint, and tokens for its door id work.
 */
class DoorUpgradeTest {
    @TempDir Path dir;

    private Path door() throws Exception {
        Path from = Path.of(getClass().getResource("/compat/door-made-by-bd9fa61").toURI());
        Path to = dir.resolve("door");
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(
                to.resolve("state"), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(
                to.resolve("owner.key"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(
                to.resolve("parcel-co.key"), PosixFilePermissions.fromString("rw-------"));
        return to;
    }

    private static HttpResponse<String> post(int port, String path, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Content-Type", "text/plain")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static String get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void anOlderDoor_getsItsIdentityByOneStep_keepsItsHistory_andOldTokensAreRefusedWithAHint()
            throws Exception {
        Path door = door();
        Path config = door.resolve("latchkey.toml");
        String before = Files.readString(door.resolve("token-before-upgrade.txt")).strip();

        // Started as it is: no identity, and it says so; nothing is addressed to it.
        try (DaemonProcess d = DaemonProcess.start(config, dir.resolve("before.log"))) {
            assertTrue(get(d.port, "/v1/status").contains("STATE_DAMAGED"));
            HttpResponse<String> r = post(d.port, "/v1/access", before);
            assertEquals(403, r.statusCode());
            assertTrue(
                    r.body().contains("WRONG_LOCK") && r.body().contains("latchkey door key"),
                    r.body());
            d.term();
        }

        CliProcess.Result key =
                CliProcess.run("022", dir, "door", "key", "--config", config.toString());
        assertEquals(0, key.code(), key.err());
        assertTrue(key.out().startsWith("door id      k4.pid."), key.out());
        assertTrue(key.err().contains("issue them again"), key.err());
        String doorId = key.out().lines().findFirst().orElseThrow().substring(13).strip();
        assertEquals(doorId, DoorKeys.readPublic(config).orElseThrow().pid());
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(door.resolve("state/door.key"))));
        CliProcess.Result again =
                CliProcess.run("022", dir, "door", "key", "--config", config.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains(doorId), "never a second identity");

        CliProcess.Result issued =
                CliProcess.run(
                        "022",
                        dir,
                        "token",
                        "issue",
                        "--key",
                        door.resolve("owner.key").toString(),
                        "--config",
                        config.toString(),
                        "--role",
                        "guest",
                        "--sub",
                        "after the upgrade",
                        "--once",
                        "--for",
                        "1h");
        assertEquals(0, issued.code(), issued.err());
        // The company key the old release revoked: trusted now, its token for the new door id.
        CliProcess.Result trusted =
                CliProcess.run(
                        "022",
                        dir,
                        "issuer",
                        "add",
                        "--config",
                        config.toString(),
                        "--name",
                        "parcel-co",
                        "--key",
                        door.resolve("parcel-co.pub").toString(),
                        "--roles",
                        "delivery",
                        "--max-window",
                        "4h");
        assertEquals(0, trusted.code(), trusted.err());
        String revokedCompany = companyToken(door, config);
        try (DaemonProcess d = DaemonProcess.start(config, dir.resolve("after.log"))) {
            awaitLocked(d.port);
            HttpResponse<String> old = post(d.port, "/v1/access", before);
            assertEquals(403, old.statusCode());
            assertTrue(old.body().contains("WRONG_LOCK"), old.body());
            assertTrue(
                    old.body().contains("lock_id 'front-door'") && old.body().contains(doorId),
                    old.body());
            HttpResponse<String> fresh = post(d.port, "/v1/access", issued.out().strip());
            assertEquals(200, fresh.statusCode(), fresh.body());
            // The list installed before the upgrade names the door by its lock_id: still in force,
            // and not taken for damage (which would admit owner tokens only).
            HttpResponse<String> company = post(d.port, "/v1/access", revokedCompany);
            assertEquals(403, company.statusCode());
            assertTrue(company.body().contains("REVOKED"), company.body());
            assertTrue(!get(d.port, "/v1/status").contains("STATE_DAMAGED"));
            DoorCard.Verified card = DoorCard.verify(cardOf(get(d.port, "/v1/card")));
            assertEquals(doorId, card.doorId());
            assertEquals("front-door", card.lockId());
            assertEquals(
                    Files.readString(door.resolve("owner.pub")).strip(),
                    card.endorsement().orElseThrow().ownerKey().paserk(),
                    "endorsed by the owner key");
            d.term();
        }
        assertTrue(
                Files.readString(door.resolve("state/once.log")).contains("before-upgrade-000001"));
        assertTrue(AuditVerifier.verify(door.resolve("state")).intact(), "the history goes on");

        // Signed again for the door id, the list still revokes the key.
        CliProcess.Result resigned =
                CliProcess.run(
                        "022",
                        dir,
                        "revoke",
                        "--resign",
                        "--config",
                        config.toString(),
                        "--url",
                        "http://127.0.0.1:1");
        assertEquals(0, resigned.code(), resigned.err());
        String list = Files.readString(door.resolve("state/revocations.paseto")).strip();
        byte[] body = java.util.Base64.getUrlDecoder().decode(list.split("\\.")[2]);
        String payload =
                new String(body, 0, body.length - 64, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(doorId, Json.read(payload).path("aud").asText(), "re-signed for the door id");
        CliProcess.Result verified =
                CliProcess.run(
                        "022",
                        dir,
                        "token",
                        "verify",
                        "--config",
                        config.toString(),
                        companyToken(door, config));
        assertEquals(3, verified.code(), verified.out());
        assertTrue(verified.err().contains("REVOKED"), verified.err());
    }

    private String companyToken(Path door, Path config) throws Exception {
        CliProcess.Result r =
                CliProcess.run(
                        "022",
                        dir,
                        "token",
                        "issue",
                        "--key",
                        door.resolve("parcel-co.key").toString(),
                        // By the door's id, as the company would (it has no config): with the
                        // config, token issue refuses to print what this door refuses (REVOKED).
                        "--lock",
                        DoorKeys.readPublic(config).orElseThrow().pid(),
                        "--role",
                        "delivery",
                        "--sub",
                        "revoked before the upgrade",
                        "--once",
                        "--for",
                        "1h");
        assertEquals(0, r.code(), r.err());
        return r.out().strip();
    }

    private static void awaitLocked(int port) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!get(port, "/v1/status").contains("\"state\":\"LOCKED\"")) {
            assertTrue(System.nanoTime() < deadline, "the door never reported LOCKED");
            Thread.sleep(50);
        }
    }

    private static String cardOf(String body) throws Exception {
        return org.latchkey.token.Json.read(body).path("card").asText();
    }
}
