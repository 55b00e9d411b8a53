package org.latchkey.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.audit.AuditVerifier;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** The real daemon in-process on an ephemeral port, simulated hardware, HTTP from the outside. */
class DaemonEndToEndTest {
    @TempDir static Path dir;

    static Latchkeyd.Running daemon;
    static int port;
    static final DaemonFixture fx = new DaemonFixture();

    @BeforeAll
    static void start() throws Exception {
        // Short request deadline, so the slow-sender test finishes quickly (read once per JVM by
        // the JDK server).
        System.setProperty("sun.net.httpserver.maxReqTime", "2");
        daemon =
                Latchkeyd.Running.start(
                        new Latchkeyd.Options(
                                DaemonFixture.writeConfig(dir), true, Optional.of(0)));
        port = daemon.api().port();
        fx.awaitStatus(port, s -> s.contains("\"state\":\"LOCKED\""), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() throws Exception {
        daemon.stop();
        assertTrue(AuditVerifier.verify(dir.resolve("state")).intact());
    }

    @Test
    void delivery_overHttp_unlocks_doorCycle_relocks_replayRefused_eventsStreamed()
            throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Thread reader =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        HttpResponse<Stream<String>> r =
                                                fx.http.send(
                                                        HttpRequest.newBuilder(
                                                                        URI.create(
                                                                                "http://127.0.0.1:"
                                                                                        + port
                                                                                        + "/v1/events"))
                                                                .build(),
                                                        HttpResponse.BodyHandlers.ofLines());
                                        r.body().forEach(events::add);
                                    } catch (Exception e) {
                                        // the stream ends when the test is over
                                    }
                                });
        // The stream starts with the current state: once that arrived, the subscription is in
        // place.
        long subscribed = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!events.contains("event: state") && System.nanoTime() < subscribed) {
            Thread.sleep(10);
        }
        assertTrue(events.contains("event: state"), "subscribed to the event stream");
        String token = DaemonFixture.courierOnce();
        HttpResponse<String> granted = fx.post(port, "/v1/access", token);
        assertEquals(200, granted.statusCode(), granted.body());
        assertTrue(granted.body().contains("\"granted\":true"));
        fx.awaitStatus(port, s -> s.contains("\"state\":\"UNLOCKED\""), Duration.ofSeconds(5));
        assertEquals(200, fx.post(port, "/v1/sim/door", "open").statusCode());
        assertEquals(200, fx.post(port, "/v1/sim/door", "close").statusCode());
        fx.awaitStatus(
                port,
                s -> s.contains("\"state\":\"LOCKED\"") && s.contains("\"bolt\":\"LOCKED\""),
                Duration.ofSeconds(5));

        HttpResponse<String> replay = fx.post(port, "/v1/access", token);
        assertEquals(403, replay.statusCode());
        assertTrue(replay.body().contains("\"reason\":\"ALREADY_USED\""), replay.body());

        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end
                && events.stream().noneMatch(l -> l.contains("\"position\":\"LOCKED\""))) {
            Thread.sleep(20);
        }
        reader.interrupt();
        assertTrue(events.contains("event: granted"), events.toString());
        assertTrue(events.contains("event: door"), events.toString());
        assertTrue(
                events.stream().anyMatch(l -> l.contains("\"state\":\"UNLOCKED\"")),
                events.toString());
        assertTrue(
                events.stream().anyMatch(l -> l.contains("\"position\":\"LOCKED\"")),
                events.toString());
    }

    @Test
    void mode_changesOnlyWithAnOwnerToken_andPrivacyRefusesCouriers() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        String owner =
                org.latchkey.token.AccessTokens.issue(
                        org.latchkey.testing.TestDoor.OWNER,
                        new org.latchkey.token.AccessClaims(
                                "home",
                                org.latchkey.testing.TestDoor.DOOR_ID,
                                "owner-mode-0000001",
                                now.minusSeconds(5),
                                now.minusSeconds(5),
                                now.plusSeconds(600),
                                org.latchkey.token.Use.WINDOW,
                                org.latchkey.token.Role.OWNER,
                                "me"));
        HttpRequest.Builder mode =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/mode"))
                        .header("Content-Type", "text/plain");
        assertEquals(
                401,
                fx.http
                        .send(
                                mode.copy()
                                        .POST(HttpRequest.BodyPublishers.ofString("privacy"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode());
        HttpResponse<String> courier =
                fx.http.send(
                        mode.copy()
                                .header("Authorization", "Bearer " + DaemonFixture.courierOnce())
                                .POST(HttpRequest.BodyPublishers.ofString("privacy"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(403, courier.statusCode());
        assertTrue(courier.body().contains("ROLE_NOT_ALLOWED"), courier.body());
        HttpResponse<String> ok =
                fx.http.send(
                        mode.copy()
                                .header("Authorization", "Bearer " + owner)
                                .POST(HttpRequest.BodyPublishers.ofString("privacy"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
        fx.awaitStatus(port, s -> s.contains("\"mode\":\"PRIVACY\""), Duration.ofSeconds(5));
        HttpResponse<String> denied = fx.post(port, "/v1/access", DaemonFixture.courierOnce());
        assertTrue(denied.body().contains("MODE_DENIES"), denied.body());
        assertEquals(
                200,
                fx.http
                        .send(
                                mode.copy()
                                        .header("Authorization", "Bearer " + owner)
                                        .POST(HttpRequest.BodyPublishers.ofString("normal"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode());
        fx.awaitStatus(port, s -> s.contains("\"mode\":\"NORMAL\""), Duration.ofSeconds(5));
    }

    @Test
    void revocationList_installedOverHttp_refusesTheToken_staleListRefused() throws Exception {
        String token = DaemonFixture.courierOnce();
        org.latchkey.token.UnverifiedToken t = org.latchkey.token.UnverifiedToken.read(token);
        String ref = t.kid() + "/" + t.claims().path("jti").asText();
        long seq = 1000 + System.nanoTime() % 1000;
        String list =
                org.latchkey.token.AccessTokens.sign(
                        org.latchkey.testing.TestDoor.OWNER,
                        ("{\"typ\":\"latchkey-revocation\","
                                        + "\"aud\":\""
                                        + org.latchkey.testing.TestDoor.DOOR_ID
                                        + "\",\"seq\":"
                                        + seq
                                        + ",\"iat\":\"2026-11-25T09:00:00Z\",\"jti\":[\""
                                        + ref
                                        + "\"],\"kid\":[]}")
                                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> installed = fx.post(port, "/v1/revocations", list);
        assertEquals(200, installed.statusCode(), installed.body());
        HttpResponse<String> again = fx.post(port, "/v1/revocations", list);
        assertEquals(403, again.statusCode());
        assertTrue(again.body().contains("SEQ_NOT_NEWER"), again.body());
        HttpResponse<String> refused = fx.post(port, "/v1/access", token);
        assertTrue(refused.body().contains("\"reason\":\"REVOKED\""), refused.body());
        assertTrue(
                AuditVerifier.verify(dir.resolve("state")).intact(),
                "the install record keeps the chain");
    }

    @Test
    void issuerAddedToTheConfig_isTrustedWithoutARestart() throws Exception {
        org.latchkey.token.SigningKey guestCo =
                org.latchkey.token.SigningKey.fromSeed(
                        new byte[] {
                            5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2,
                            1, 0, 9, 8, 7, 6, 5, 4
                        });
        java.time.Instant now = java.time.Instant.now();
        String token =
                org.latchkey.token.AccessTokens.issue(
                        guestCo,
                        new org.latchkey.token.AccessClaims(
                                "guests",
                                org.latchkey.testing.TestDoor.DOOR_ID,
                                "guest-reload-000001",
                                now.minusSeconds(5),
                                now.minusSeconds(5),
                                now.plusSeconds(600),
                                org.latchkey.token.Use.ONCE,
                                org.latchkey.token.Role.GUEST,
                                "visitor"));
        assertTrue(fx.post(port, "/v1/access", token).body().contains("UNKNOWN_KEY"));
        java.nio.file.Files.writeString(
                dir.resolve("latchkey.toml"),
                "\n[[issuers]]\nname = \"guests\"\npublic_key = \""
                        + guestCo.publicKey().paserk()
                        + "\"\nroles = [\"guest\"]\nmax_window = \"1h\"\n",
                java.nio.file.StandardOpenOption.APPEND);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        HttpResponse<String> r;
        do {
            Thread.sleep(100); // the daemon looks at the file at most once a second
            fx.awaitStatus(port, s -> s.contains("\"state\":\"LOCKED\""), Duration.ofSeconds(10));
            r = fx.post(port, "/v1/access", token);
        } while (r.statusCode() != 200 && System.nanoTime() < end);
        assertEquals(200, r.statusCode(), r.body());
        fx.awaitStatus(port, s -> s.contains("\"state\":\"UNLOCKED\""), Duration.ofSeconds(5));
        fx.post(port, "/v1/sim/door", "open");
        fx.post(port, "/v1/sim/door", "close");
        fx.awaitStatus(port, s -> s.contains("\"state\":\"LOCKED\""), Duration.ofSeconds(5));
    }

    @Test
    void rejectedToken_is403WithItsReason_andMovesNothing() throws Exception {
        HttpResponse<String> r = fx.post(port, "/v1/access", "v4.public.garbage");
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("\"reason\":\"MALFORMED\""), r.body());
        assertTrue(fx.get(port, "/v1/status").body().contains("\"state\":\"LOCKED\""));
    }

    @Test
    void malformedHttp_getsItsStatus_asJson() throws Exception {
        assertEquals(405, fx.get(port, "/v1/access").statusCode());
        assertEquals(404, fx.get(port, "/v1/nothing").statusCode());
        HttpResponse<String> wrongType =
                fx.http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/v1/access"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(415, wrongType.statusCode());
        assertTrue(wrongType.body().contains("\"error\":\"UNSUPPORTED_MEDIA_TYPE\""));
        HttpResponse<String> big = fx.post(port, "/v1/access", "A".repeat(10_000));
        assertEquals(413, big.statusCode());
        assertEquals(
                405,
                fx.http
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:" + port + "/v1/status"))
                                        .DELETE()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode());
        assertEquals(400, fx.post(port, "/v1/sim/door", "dance").statusCode());
        assertEquals(200, fx.get(port, "/v1/status").statusCode());
    }

    @Test
    void hugeHeaders_areRefused_andTheDaemonCarriesOn() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(
                    ("GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: "
                                    + "a".repeat(64 * 1024)
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status =
                    new BufferedReader(
                                    new InputStreamReader(
                                            s.getInputStream(), StandardCharsets.US_ASCII))
                            .readLine();
            assertTrue(
                    status == null || !status.contains(" 200 "), "huge header answered " + status);
        } catch (java.net.SocketException e) {
            // reset by the server: refused too
        }
        assertEquals(200, fx.get(port, "/v1/status").statusCode());
    }

    @Test
    void slowSender_isCutOff_whileOthersAreServed() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", port)) {
            slow.getOutputStream()
                    .write(
                            "POST /v1/access HTTP/1.1\r\nHost: x\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            assertEquals(
                    200,
                    fx.get(port, "/v1/status").statusCode(),
                    "served while the slow sender dawdles");
            slow.setSoTimeout(10_000);
            long start = System.nanoTime();
            int read =
                    slow.getInputStream()
                            .read(); // the server closes the connection after maxReqTime
            assertEquals(-1, read);
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 9);
        }
    }

    @Test
    void floodOfMalformedTokens_isRateLimited_butAValidTokenStillOpens() throws Exception {
        int limited = 0;
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = fx.post(port, "/v1/access", "v4.public.flood" + i);
            if (r.statusCode() == 429) {
                limited++;
            }
        }
        assertTrue(limited > 100, "most of the flood was rate limited: " + limited);
        fx.awaitStatus(port, s -> s.contains("\"state\":\"LOCKED\""), Duration.ofSeconds(10));
        HttpResponse<String> owner = fx.post(port, "/v1/access", DaemonFixture.courierOnce());
        assertEquals(200, owner.statusCode(), owner.body());
        fx.awaitStatus(port, s -> s.contains("\"state\":\"UNLOCKED\""), Duration.ofSeconds(5));
        fx.awaitStatus(
                port,
                s -> s.contains("\"state\":\"LOCKED\""),
                Duration.ofSeconds(10)); // unlock_wait 5 s
    }
}
