package org.latchkey.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.daemon.Latchkeyd;
import org.latchkey.testing.Mosquitto;
import org.latchkey.testing.MqttProbe;
import org.latchkey.testing.OsTools;
import org.latchkey.testing.TestDoor;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.ClockResetVerifier;
import org.latchkey.token.Json;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.UnverifiedToken;
import org.latchkey.token.Use;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The hole the identity issue closes: two homes each have a door named {@code front-door}, trusting
 * the same delivery company's key and even the same owner key (a fleet's). A token, a revocation
 * list, a clock reset or a mode change made for one door is refused WRONG_LOCK by the other — for
 * every role, over HTTP, MQTT and the scanner — and the same presented to its own door works (so
 * this test can fail).
 */
class TwoDoorsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir static Path brokerDir;
    static Mosquitto broker;

    @TempDir Path dir;
    final HttpClient http = HttpClient.newHttpClient();
    final List<AutoCloseable> toClose = new ArrayList<>();

    /** One door: the daemon, its topics, its scanner's FIFO. */
    record Door(Latchkeyd.Running daemon, String prefix, Path state, Path scanner) {}

    Door a;
    Door b;
    MqttProbe probe;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = Mosquitto.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void twoDoorsOfTheSameName() throws Exception {
        OsTools.require("mkfifo", "coreutils");
        a = door("a", TestDoor.DOOR);
        b = door("b", TestDoor.OTHER_DOOR);
        probe = MqttProbe.connect(broker, Mosquitto.HASS_USER, Mosquitto.HASS_PASSWORD);
        probe.subscribe("latchkey/two-a/#");
        probe.subscribe("latchkey/two-b/#");
        toClose.add(probe);
        for (Door d : List.of(a, b)) {
            probe.await(d.prefix() + "/state", 0, s -> s.contains("\"inbound\":\"ok\""), WAIT);
            awaitLocked(d);
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private Door door(String name, SigningKey doorKey) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        Path fifo = home.resolve("scanner");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mk.waitFor());
        Path password = Mosquitto.passwordFile(home, "mqtt-password", Mosquitto.DOOR_PASSWORD);
        String prefix = "latchkey/two-" + name;
        Path config =
                TestDoor.config()
                        .doorKey(doorKey)
                        .set("state_dir = \"state\"")
                        .set("fleet_id = \"acme-fleet\"")
                        .table(
                                "[door]\nunlock_wait = \"5s\"\nrelock_delay = \"0s\"\n"
                                        + "camera_post_roll = \"0s\"")
                        .table("[scanner]\ndevice = \"" + fifo + "\"")
                        .table(
                                "[hal]\n"
                                        + "driver = \"simulated\"\n\n"
                                        + "[hal.bolt]\n"
                                        + "travel_time = \"100ms\"")
                        .table(
                                "[mqtt]\nurl = \"mqtts://localhost:"
                                        + broker.tlsPort()
                                        + "\"\nusername = \""
                                        + Mosquitto.DOOR_USER
                                        + "\"\npassword_file = \""
                                        + password
                                        + "\"\nca_file = \""
                                        + broker.caFile()
                                        + "\"\ntopic_prefix = \""
                                        + prefix
                                        + "\"\nclient_id = \"latchkey-two-"
                                        + name
                                        + "\"\ndiscovery_prefix = \"\"\naccept_tokens = true\n")
                        .write(home);
        Latchkeyd.Running daemon = Latchkeyd.start(config, true, 0);
        toClose.add(daemon::stop);
        return new Door(daemon, prefix, home.resolve("state"), fifo);
    }

    // ---- the ways in

    private JsonNode http(Door d, String path, String body, String bearer) throws Exception {
        HttpRequest.Builder r =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.daemon().port() + path))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        return Json.read(http.send(r.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode mqtt(Door d, String topic, String payload) throws Exception {
        int from = probe.on(d.prefix() + "/result").size();
        probe.publish(d.prefix() + topic, payload, false, 30);
        return Json.read(probe.await(d.prefix() + "/result", from, s -> true, WAIT).payload());
    }

    /** The token on the door's scanner; the answer is what the audit log says of its jti. */
    private String scanner(Door d, String token) throws Exception {
        String jti = UnverifiedToken.read(token).claims().path("jti").asText();
        try (OutputStream out = Files.newOutputStream(d.scanner())) {
            out.write((token + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        Path log = d.state().resolve("audit/audit.log");
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.contains("\"jti\":\"" + jti + "\"")) {
                    JsonNode r = Json.read(line);
                    return r.path("type").asText().equals("granted")
                            ? "granted"
                            : r.path("reason").asText();
                }
            }
            Thread.sleep(25); // a real daemon reading a real FIFO: polling, bounded
        }
        throw new AssertionError("the scanned token left no record");
    }

    private String status(Door d) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + d.daemon().port()
                                                        + "/v1/status"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private void awaitLocked(Door d) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!status(d).contains("\"state\":\"LOCKED\"")) {
            assertTrue(System.nanoTime() < end, "never LOCKED: " + status(d));
            Thread.sleep(25);
        }
    }

    /** A granted door: open, close, relock, before the next. */
    private void cycle(Door d) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!status(d).contains("\"state\":\"UNLOCKED\"")) {
            assertTrue(System.nanoTime() < end, "never UNLOCKED: " + status(d));
            Thread.sleep(25);
        }
        http(d, "/v1/sim/door", "open", null);
        http(d, "/v1/sim/door", "close", null);
        awaitLocked(d);
    }

    private static String tokenForA(Role role, Use use) {
        SigningKey key = role == Role.DELIVERY ? TestDoor.COURIER : TestDoor.OWNER;
        return TestDoor.token(key, role, use, Instant.now());
    }

    // ---- the property, for every role and every way in

    @Test
    void aTokenForOneDoor_isRefusedByTheOtherOfTheSameName_everyRole_everyWayIn() throws Exception {
        for (Role role : Role.values()) {
            for (Use use : Use.values()) {
                String what = role + "/" + use;
                String t1 = tokenForA(role, use);
                JsonNode viaHttp = http(b, "/v1/access", t1, null);
                assertEquals("WRONG_LOCK", viaHttp.path("reason").asText(), what + " over HTTP");
                String t2 = tokenForA(role, use);
                JsonNode viaMqtt = mqtt(b, "/present", t2);
                assertEquals("WRONG_LOCK", viaMqtt.path("reason").asText(), what + " over MQTT");
                String t3 = tokenForA(role, use);
                assertEquals("WRONG_LOCK", scanner(b, t3), what + " on the scanner");
                // …and each of them opens its own door.
                assertTrue(http(a, "/v1/access", t1, null).path("granted").asBoolean(), what);
                cycle(a);
                assertTrue(mqtt(a, "/present", t2).path("granted").asBoolean(), what);
                cycle(a);
                assertEquals("granted", scanner(a, t3), what);
                cycle(a);
            }
        }
        assertTrue(status(b).contains("\"state\":\"LOCKED\""), "door B never moved");
    }

    @Test
    void listsClockResetsAndModeChanges_forOneDoor_areRefusedByTheOther() throws Exception {
        String courier = tokenForA(Role.DELIVERY, Use.ONCE);
        UnverifiedToken t = UnverifiedToken.read(courier);
        String ref = t.kid() + "/" + t.claims().path("jti").asText();
        // The owners' list and the company's own, each made for door A.
        String ownersList = list(TestDoor.OWNER, TestDoor.DOOR_ID, 5, ref);
        String companysList = list(TestDoor.COURIER, TestDoor.DOOR_ID, 1_796_650_000_000L, ref);
        for (String l : List.of(ownersList, companysList)) {
            assertEquals("WRONG_LOCK", http(b, "/v1/revocations", l, null).path("reason").asText());
        }
        assertTrue(http(a, "/v1/revocations", ownersList, null).path("installed").asBoolean());
        assertTrue(http(a, "/v1/revocations", companysList, null).path("installed").asBoolean());
        assertEquals("REVOKED", http(a, "/v1/access", courier, null).path("reason").asText());
        // A clock reset for A.
        String reset = clockReset(TestDoor.DOOR_ID);
        assertEquals("WRONG_LOCK", http(b, "/v1/clock", reset, null).path("reason").asText());
        assertTrue(http(a, "/v1/clock", reset, null).path("reset").asBoolean());

        // A mode change with A's owner token, over HTTP and MQTT.
        String owner = tokenForA(Role.OWNER, Use.WINDOW);
        assertEquals("WRONG_LOCK", http(b, "/v1/mode", "privacy", owner).path("reason").asText());
        JsonNode viaMqtt =
                mqtt(
                        b,
                        "/mode",
                        "{\"mode\":\"privacy\",\"token\":\""
                                + owner
                                + "\",\"ts\":"
                                + Instant.now().getEpochSecond()
                                + "}");
        assertEquals("WRONG_LOCK", viaMqtt.path("reason").asText());
        assertTrue(status(b).contains("\"mode\":\"NORMAL\""));
        assertTrue(http(a, "/v1/mode", "privacy", owner).path("changed").asBoolean());
    }

    private static String list(SigningKey signer, String aud, long seq, String ref) {
        return AccessTokens.sign(
                signer,
                ("{\"typ\":\"latchkey-revocation\",\"aud\":\""
                                + aud
                                + "\",\"seq\":"
                                + seq
                                + ",\"iat\":\"2026-12-07T09:00:00Z\",\"jti\":[\""
                                + ref
                                + "\"]}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static String clockReset(String aud) {
        Instant now = Instant.now();
        return AccessTokens.sign(
                TestDoor.OWNER,
                ("{\"typ\":\""
                                + ClockResetVerifier.TYPE
                                + "\",\"aud\":\""
                                + aud
                                + "\",\"jti\":\"clock-reset-two-doors-1\",\"iat\":\""
                                + now
                                + "\",\"exp\":\""
                                + now.plus(Duration.ofMinutes(5))
                                + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
    }
}
