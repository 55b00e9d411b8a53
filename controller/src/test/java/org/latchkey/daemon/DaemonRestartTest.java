package org.latchkey.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.testing.DaemonProcess;
import org.latchkey.testing.TestDoor;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Role;
import org.latchkey.token.Use;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Findings of the adversarial test of the first release, replayed against real latchkeyd processes
 * through nothing but HTTP and the state directory, exactly as they were found.
 */
class DaemonRestartTest {
    @TempDir Path dir;

    final DaemonFixture fx = new DaemonFixture();

    private DaemonProcess start(String name) throws Exception {
        DaemonProcess d =
                DaemonProcess.start(dir.resolve("latchkey.toml"), dir.resolve(name + ".log"));
        fx.awaitStatus(
                d.port,
                s -> !s.contains("\"state\":\"STARTING\"") && !s.contains("\"state\":\"LOCKING\""),
                Duration.ofSeconds(10));
        return d;
    }

    private HttpResponse<String> mode(int port, String mode, String bearer) throws Exception {
        return fx.http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/mode"))
                        .header("Content-Type", "text/plain")
                        .header("Authorization", "Bearer " + bearer)
                        .POST(HttpRequest.BodyPublishers.ofString(mode))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String owner(Use use) {
        return TestDoor.token(TestDoor.OWNER, Role.OWNER, use, Instant.now());
    }

    @Test
    void timeFloorTwoDaysAhead_afterARestart_doesNotReopenAUsedOnceToken() throws Exception {
        DaemonFixture.writeConfig(dir);
        // Valid past the floor: expiry counts from the later of the clock and the floor.
        String once =
                TestDoor.token(
                        TestDoor.OWNER, Role.OWNER, Use.ONCE, Instant.now(), Duration.ofDays(3));
        try (DaemonProcess d = start("first")) {
            assertEquals(200, fx.post(d.port, "/v1/access", once).statusCode());
            fx.awaitStatus(d.port, s -> s.contains("\"state\":\"LOCKED\""), Duration.ofSeconds(15));
            d.term();
        }
        Path once_log = dir.resolve("state/once.log");
        long records = Files.readAllLines(once_log).size();
        Files.writeString(
                dir.resolve("state/time-floor"),
                Instant.now().plus(Duration.ofDays(2)).getEpochSecond() + "\n");
        try (DaemonProcess d = start("second")) {
            assertTrue(fx.get(d.port, "/v1/status").body().contains("CLOCK_UNTRUSTED"));
            assertEquals(
                    records,
                    Files.readAllLines(once_log).size(),
                    "nothing dropped on an untrusted clock");
            HttpResponse<String> again = fx.post(d.port, "/v1/access", once);
            assertEquals(403, again.statusCode(), again.body());
            assertTrue(again.body().contains("ALREADY_USED"), again.body());
        }
    }

    @Test
    void privacyMode_survivesSigtermAndKill9() throws Exception {
        DaemonFixture.writeConfig(dir);
        try (DaemonProcess d = start("first")) {
            assertEquals(200, mode(d.port, "privacy", owner(Use.WINDOW)).statusCode());
            fx.awaitStatus(d.port, s -> s.contains("\"mode\":\"PRIVACY\""), Duration.ofSeconds(5));
            d.term();
        }
        try (DaemonProcess d = start("after-sigterm")) {
            String status = fx.get(d.port, "/v1/status").body();
            assertTrue(
                    status.contains("\"mode\":\"PRIVACY\"")
                            && status.contains("\"mode_source\":\"persisted\""),
                    status);
            assertTrue(
                    fx.post(d.port, "/v1/access", DaemonFixture.courierOnce())
                            .body()
                            .contains("MODE_DENIES"));
            d.kill9();
        }
        try (DaemonProcess d = start("after-kill9")) {
            assertTrue(fx.get(d.port, "/v1/status").body().contains("\"mode\":\"PRIVACY\""));
            assertTrue(
                    fx.post(d.port, "/v1/access", DaemonFixture.courierOnce())
                            .body()
                            .contains("MODE_DENIES"));
        }
    }

    @Test
    void ownerTokenIssuedIn9999_cannotLockCouriersOut() throws Exception {
        DaemonFixture.writeConfig(dir);
        Instant now = Instant.now();
        String poison =
                AccessTokens.issue(
                        TestDoor.OWNER,
                        new AccessClaims(
                                "owner",
                                TestDoor.DOOR_ID,
                                "poison-000000000001",
                                Instant.parse("9999-12-31T00:00:00Z"),
                                now.minusSeconds(5),
                                now.plusSeconds(600),
                                Use.WINDOW,
                                Role.OWNER,
                                "me"));
        try (DaemonProcess d = start("door")) {
            HttpResponse<String> refused = fx.post(d.port, "/v1/access", poison);
            assertTrue(refused.body().contains("NOT_YET_VALID"), refused.body());
            HttpResponse<String> courier =
                    fx.post(d.port, "/v1/access", DaemonFixture.courierOnce());
            assertEquals(200, courier.statusCode(), courier.body());
        }
    }

    @Test
    void consumedOwnerOnceToken_noLongerChangesTheMode() throws Exception {
        DaemonFixture.writeConfig(dir);
        String once = owner(Use.ONCE);
        try (DaemonProcess d = start("door")) {
            assertEquals(200, fx.post(d.port, "/v1/access", once).statusCode());
            HttpResponse<String> r = mode(d.port, "privacy", once);
            assertEquals(403, r.statusCode(), r.body());
            assertTrue(r.body().contains("ALREADY_USED"), r.body());
        }
    }

    @Test
    void damagedStateFiles_startTheDoorDegraded_namingWhatWasKeptAside() throws Exception {
        DaemonFixture.writeConfig(dir);
        try (DaemonProcess d = start("first")) {
            d.term();
        }
        Path state = dir.resolve("state");
        Files.writeString(state.resolve("time-floor"), "9223372036854775807\n");
        Files.createDirectories(state.resolve("once.log"));
        Path audit = state.resolve("audit/audit.log");
        byte[] bytes = Files.readAllBytes(audit);
        bytes[bytes.length - 10] = (byte) 0xC3; // an invalid UTF-8 sequence in the last record
        bytes[bytes.length - 9] = (byte) 0x28;
        Files.write(audit, bytes);
        try (DaemonProcess d = start("second")) {
            String status = fx.get(d.port, "/v1/status").body();
            assertTrue(
                    status.contains("STATE_DAMAGED") && status.contains("CLOCK_UNTRUSTED"), status);
            HttpResponse<String> once = fx.post(d.port, "/v1/access", owner(Use.ONCE));
            assertTrue(once.body().contains("STORE_UNAVAILABLE"), once.body());
            assertEquals(
                    200,
                    fx.post(d.port, "/v1/access", owner(Use.WINDOW)).statusCode(),
                    "the owner gets in");
            String log = Files.readString(d.stderr);
            assertTrue(
                    log.contains(audit.toString())
                            && log.contains(state.resolve("once.log").toString())
                            && log.contains(state.resolve("time-floor").toString()),
                    log);
        }
    }
}
