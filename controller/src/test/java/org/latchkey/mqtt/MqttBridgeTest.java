package org.latchkey.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.audit.AuditVerifier;
import org.latchkey.daemon.Latchkeyd;
import org.latchkey.testing.FakeBroker;
import org.latchkey.testing.Mosquitto;
import org.latchkey.testing.MqttProbe;
import org.latchkey.testing.TestDoor;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Json;
import org.latchkey.token.Role;
import org.latchkey.token.UnverifiedToken;
import org.latchkey.token.Use;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The bridge end to end: the real daemon on the simulated door, a real mosquitto with TLS, a
 * password file and an ACL, and other real MQTT clients (Home Assistant, a backend, an intruder).
 * No MQTT is mocked.
 */
class MqttBridgeTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final AtomicInteger DOORS = new AtomicInteger();

    @TempDir static Path brokerDir;
    static Mosquitto broker;

    @TempDir Path dir;
    final HttpClient http = HttpClient.newHttpClient();
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void broker() throws Exception {
        broker = Mosquitto.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    /** A door on the simulated hardware with its bridge; topics under latchkey/tN. */
    record Door(Latchkeyd.Running daemon, String prefix, Path state) implements AutoCloseable {
        int port() {
            return daemon.port();
        }

        MqttBridge bridge() {
            return daemon.mqtt().orElseThrow();
        }

        @Override
        public void close() {
            daemon.stop();
        }
    }

    private Door door(String mqttExtra) throws Exception {
        return door(mqttExtra, null, broker.tlsPort());
    }

    private Door door(String mqttExtra, Path passwordFile) throws Exception {
        return door(mqttExtra, passwordFile, broker.tlsPort());
    }

    /**
     * A door whose [mqtt] has {@code mqttExtra}; the right password unless another file is given.
     */
    private Door door(String mqttExtra, Path passwordFile, int port) throws Exception {
        return door(mqttExtra, passwordFile, port, broker.caFile());
    }

    private Door door(String mqttExtra, Path passwordFile, int port, Path caFile) throws Exception {
        return door(mqttExtra, passwordFile, port, caFile, Mosquitto.DOOR_USER);
    }

    private Door door(String mqttExtra, Path passwordFile, int port, Path caFile, String user)
            throws Exception {
        String prefix = "latchkey/t" + DOORS.incrementAndGet();
        Path home = java.nio.file.Files.createDirectories(dir.resolve("door-" + DOORS.get()));
        Path password =
                passwordFile != null
                        ? passwordFile
                        : Mosquitto.passwordFile(dir, "mqtt-password", Mosquitto.DOOR_PASSWORD);
        Path config =
                TestDoor.config()
                        .set("state_dir = \"state\"")
                        .set("fleet_id = \"acme-fleet\"")
                        .table(
                                """
                                [door]
                                unlock_wait = "5s"
                                relock_delay = "0s"
                                camera_post_roll = "0s"
                                """)
                        .table(
                                """
                                [hal]
                                driver = "simulated"

                                [hal.bolt]
                                travel_time = "100ms"
                                """)
                        .table(
                                "[mqtt]\n"
                                        + "url = \"mqtts://localhost:"
                                        + port
                                        + "\"\n"
                                        + "username = \""
                                        + user
                                        + "\"\n"
                                        + "password_file = \""
                                        + password
                                        + "\"\n"
                                        + "ca_file = \""
                                        + caFile
                                        + "\"\n"
                                        + "topic_prefix = \""
                                        + prefix
                                        + "\"\n"
                                        + mqttExtra)
                        .write(home);
        Door d = new Door(Latchkeyd.start(config, true, 0), prefix, home.resolve("state"));
        toClose.add(d);
        return d;
    }

    private MqttProbe probe(String user, String password, String... filters) throws Exception {
        MqttProbe p = MqttProbe.connect(broker, user, password);
        for (String f : filters) {
            p.subscribe(f);
        }
        toClose.add(p);
        return p;
    }

    private MqttProbe hass(String... filters) throws Exception {
        return probe(Mosquitto.HASS_USER, Mosquitto.HASS_PASSWORD, filters);
    }

    private static Predicate<String> lock(String state) {
        return s -> s.contains("\"lock\":\"" + state + "\"");
    }

    private HttpResponse<String> post(Door d, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String status(Door d) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + d.port() + "/v1/status"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static JsonNode json(String s) throws Exception {
        return Json.read(s);
    }

    /** The door's events topic, as records; waits for one matching. */
    private static JsonNode awaitEvent(MqttProbe p, Door d, Predicate<JsonNode> wanted)
            throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            for (MqttProbe.Received r : p.on(d.prefix() + "/events")) {
                JsonNode e = json(r.payload());
                if (wanted.test(e)) {
                    return e;
                }
            }
            Thread.sleep(10); // polling a real broker's deliveries, bounded
        }
        throw new AssertionError("no such event; got " + p.on(d.prefix() + "/events"));
    }

    private static Predicate<JsonNode> type(String type) {
        return e -> e.path("type").asText().equals(type);
    }

    // ---- Home Assistant discovery

    @Test
    void discovery_everyEntity_withHomeAssistantsFields_republishedWhenHomeAssistantComesOnline()
            throws Exception {
        MqttProbe hass = hass("homeassistant/#");
        Door d = door("discovery_prefix = \"homeassistant\"\n");
        MqttProbe states = hass(d.prefix() + "/#");
        states.await(d.prefix() + "/availability", 0, "online"::equals, WAIT);
        states.await(d.prefix() + "/state", 0, lock("locked"), WAIT);

        String node = "latchkey_front-door";
        List<String> expected = new ArrayList<>();
        expected.add("homeassistant/lock/" + node + "/lock/config");
        expected.add("homeassistant/binary_sensor/" + node + "/door/config");
        for (org.latchkey.door.Alarm a : org.latchkey.door.Alarm.values()) {
            expected.add(
                    "homeassistant/binary_sensor/"
                            + node
                            + "/"
                            + a.name().toLowerCase(java.util.Locale.ROOT)
                            + "/config");
        }
        expected.add("homeassistant/sensor/" + node + "/last_access/config");
        expected.add("homeassistant/event/" + node + "/access/config");
        expected.add("homeassistant/binary_sensor/" + node + "/mqtt_inbound/config");
        java.util.Set<String> uniqueIds = new java.util.HashSet<>();
        java.util.Map<String, JsonNode> configs = new java.util.HashMap<>();
        for (String topic : expected) {
            // (an earlier test's door left its retained configs: this door's name its topics)
            MqttProbe.Received r =
                    hass.await(topic, 0, s -> s.contains("\"" + d.prefix() + "/"), WAIT);
            assertTrue(r.retained() || true, topic); // retained on the broker: see below
            JsonNode c = json(r.payload());
            configs.put(topic, c);
            String platform = topic.split("/")[1];
            HomeAssistantFields.check(platform, c, topic);
            assertTrue(uniqueIds.add(c.get("unique_id").asText()), "unique ids differ: " + topic);
            assertEquals(d.prefix() + "/availability", c.get("availability_topic").asText());
            assertEquals(List.of(node), textList(c.get("device").get("identifiers")));
            assertEquals("latchkey front-door", c.get("device").get("name").asText());
        }
        JsonNode lock = configs.get(expected.get(0));
        assertEquals(d.prefix() + "/command", lock.get("command_topic").asText());
        assertEquals(d.prefix() + "/state", lock.get("state_topic").asText());
        assertEquals("{{ value_json.lock }}", lock.get("value_template").asText());
        for (String s :
                List.of(
                        "locked",
                        "unlocked",
                        "locking",
                        "unlocking",
                        "jammed",
                        "open",
                        "opening")) {
            String key = "state_" + s;
            assertEquals(s, lock.get(key).asText(), key);
        }
        assertFalse(lock.has("payload_open"), "no Open action is offered");
        JsonNode door = configs.get(expected.get(1));
        assertEquals("door", door.get("device_class").asText());
        JsonNode forced =
                configs.get("homeassistant/binary_sensor/" + node + "/door_forced_open/config");
        assertEquals("tamper", forced.get("device_class").asText());
        JsonNode ajar = configs.get("homeassistant/binary_sensor/" + node + "/door_ajar/config");
        assertEquals("problem", ajar.get("device_class").asText());
        JsonNode event = configs.get("homeassistant/event/" + node + "/access/config");
        JsonNode inbound =
                configs.get("homeassistant/binary_sensor/" + node + "/mqtt_inbound/config");
        assertEquals("diagnostic", inbound.get("entity_category").asText());
        assertEquals("problem", inbound.get("device_class").asText());
        assertEquals(List.of("granted", "refused"), textList(event.get("event_types")));

        // A newcomer subscribing later gets them from the broker: they are retained.
        MqttProbe late = hass("homeassistant/#");
        MqttProbe.Received again = late.await(expected.get(0), 0, s -> !s.isEmpty(), WAIT);
        assertTrue(again.retained(), "discovery is retained");

        // Home Assistant restarts: its birth message asks for discovery again.
        int before = hass.on(expected.get(0)).size();
        hass.publish("homeassistant/status", "online", false, 0);
        hass.await(expected.get(0), before, s -> !s.isEmpty(), WAIT);
    }

    private static List<String> textList(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return out;
    }

    // ---- state and events

    @Test
    void tokenOverHttp_drivesTheState_andEveryAuditRecordIsPublished_byteForByte_inSeqOrder()
            throws Exception {
        Door d = door("discovery_prefix = \"\"\n");
        MqttProbe p = hass(d.prefix() + "/#");
        p.await(d.prefix() + "/state", 0, lock("locked"), WAIT);
        int from = p.on(d.prefix() + "/state").size();

        assertEquals(200, post(d, "/v1/access", TestDoor.courierOnce()).statusCode());
        p.await(d.prefix() + "/state", from, lock("unlocked"), WAIT);
        assertEquals(200, post(d, "/v1/sim/door", "open").statusCode());
        p.await(d.prefix() + "/state", from, lock("open"), WAIT);
        assertEquals(200, post(d, "/v1/sim/door", "close").statusCode());
        p.await(d.prefix() + "/state", from, lock("locked"), WAIT);

        List<String> states = new ArrayList<>();
        for (MqttProbe.Received r :
                p.on(d.prefix() + "/state").subList(from, p.on(d.prefix() + "/state").size())) {
            String s = json(r.payload()).get("lock").asText();
            if (states.isEmpty() || !states.get(states.size() - 1).equals(s)) {
                states.add(s);
            }
        }
        // (closed again, the bolt is still out for a moment before the relock: "unlocked" may
        // show between "open" and "locking")
        if (states.size() == 6
                && states.get(2).equals("open")
                && states.get(3).equals("unlocked")) {
            states.remove(3);
        }
        assertEquals(
                List.of("unlocking", "unlocked", "open", "locking", "locked"),
                states,
                "the lock's states in order");

        JsonNode lastBolt =
                awaitEvent(
                        p,
                        d,
                        e ->
                                type("bolt").test(e)
                                        && e.path("position").asText().equals("LOCKED")
                                        && e.path("seq").asLong() > 3);
        // Every published record is the audit log's line, byte for byte, in seq order.
        List<String> log =
                Files.readAllLines(
                        d.state().resolve("audit").resolve("audit.log"), StandardCharsets.UTF_8);
        List<String> published = new ArrayList<>();
        p.on(d.prefix() + "/events").forEach(r -> published.add(r.payload()));
        assertTrue(published.size() >= 6, published.toString());
        int at = log.indexOf(published.get(0));
        assertTrue(at >= 0, "the first published record is in the log");
        assertEquals(log.subList(at, at + published.size()), published);
        long seq = json(published.get(0)).get("seq").asLong();
        for (String line : published) {
            assertEquals(seq++, json(line).get("seq").asLong(), "no gap: " + line);
        }
        List<String> types = new ArrayList<>();
        published.forEach(l -> types.add(l.replaceAll(".*\"type\":\"([a-z_]+)\".*", "$1")));
        assertTrue(types.containsAll(List.of("granted", "door", "bolt")), types.toString());
        assertTrue(lastBolt.path("seq").asLong() > 0);
        assertTrue(AuditVerifier.verify(d.state()).intact(), "the chain verifies");

        // The visit's receipt, on the courier company's own topic, and at GET /v1/receipts.
        String courierKid = TestDoor.COURIER.publicKey().pid();
        MqttProbe.Received receipt =
                p.await(d.prefix() + "/receipts/" + courierKid, 0, r -> true, WAIT);
        org.latchkey.receipt.Receipt r =
                org.latchkey.receipt.Receipt.verify(receipt.payload(), TestDoor.DOOR.publicKey());
        assertEquals("relocked", r.ended());
        assertEquals(courierKid, r.kid());
        assertTrue(!receipt.retained(), "not retained: who came when is private");
        JsonNode listed =
                json(
                        http.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                "http://127.0.0.1:"
                                                                        + d.port()
                                                                        + "/v1/receipts?since=0"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body());
        assertEquals(receipt.payload(), listed.path("receipts").get(0).path("receipt").asText());

        // Home Assistant's access event and last-access sensor.
        MqttProbe.Received granted =
                p.await(
                        d.prefix() + "/access",
                        0,
                        s -> s.contains("\"event_type\":\"granted\""),
                        WAIT);
        assertEquals("delivery", json(granted.payload()).get("role").asText());
        JsonNode last = json(p.await(d.prefix() + "/last_access", 0, s -> true, WAIT).payload());
        assertTrue(last.get("who").asText().startsWith("subject "), last.toString());
        assertTrue(last.get("when").asText().endsWith("Z"), last.toString());
    }

    // ---- commands

    @Test
    void lock_locksAnUnlockedDoor_unlockIsRefused_retainedAndUnknownCommandsIgnored()
            throws Exception {
        Door d = door("discovery_prefix = \"\"\n");
        MqttProbe p = hass(d.prefix() + "/#");
        p.await(d.prefix() + "/state", 0, lock("locked"), WAIT);

        // UNLOCK (Home Assistant's Unlock button, or anyone with the topic): refused, audited.
        p.publish(d.prefix() + "/command", "UNLOCK", false, 0);
        JsonNode refused =
                awaitEvent(
                        p,
                        d,
                        e ->
                                type("remote_ignored").test(e)
                                        && e.path("reason").asText().equals("UNLOCK_REFUSED"));
        assertEquals(d.prefix() + "/command", refused.get("topic").asText());
        assertTrue(status(d).contains("\"state\":\"LOCKED\""), "nothing moved");

        // A courier's grant, the door still closed: LOCK ends it at once.
        int from = p.on(d.prefix() + "/state").size();
        assertEquals(200, post(d, "/v1/access", TestDoor.courierOnce()).statusCode());
        p.await(d.prefix() + "/state", from, lock("unlocked"), WAIT);
        from = p.on(d.prefix() + "/state").size();
        p.publish(d.prefix() + "/command", "LOCK", false, 0);
        p.await(d.prefix() + "/state", from, lock("locked"), WAIT);
        JsonNode requested = awaitEvent(p, d, type("lock_requested"));
        assertEquals("mqtt", requested.get("source").asText());
        assertEquals("locking", requested.get("outcome").asText());

        // A retained LOCK is never acted on (nor would a retained anything be).
        assertEquals(200, post(d, "/v1/access", TestDoor.courierOnce()).statusCode());
        p.await(d.prefix() + "/state", from, lock("unlocked"), WAIT);
        p.publish(d.prefix() + "/command", "LOCK", true, 0);
        awaitEvent(
                p,
                d,
                e ->
                        type("remote_ignored").test(e)
                                && e.path("reason").asText().equals("RETAINED"));
        assertTrue(status(d).contains("\"state\":\"UNLOCKED\""), "a retained LOCK did nothing");
        p.clearRetained(d.prefix() + "/command");

        p.publish(d.prefix() + "/command", "v4.public.whatever", false, 0);
        JsonNode unknown =
                awaitEvent(
                        p,
                        d,
                        e ->
                                type("remote_ignored").test(e)
                                        && e.path("reason").asText().equals("UNKNOWN_COMMAND"));
        assertFalse(unknown.toString().contains("v4.public"), "a payload is never echoed");
    }

    @Test
    void lockFlood_oneLockReachesTheDoor_theRestAreCounted_andAGrantStillGoesThrough()
            throws Exception {
        Door d = door("discovery_prefix = \"\"\n");
        MqttProbe p = hass(d.prefix() + "/#");
        p.await(d.prefix() + "/state", 0, lock("locked"), WAIT);
        for (int i = 0; i < 500; i++) {
            p.publish(d.prefix() + "/command", "LOCK", false, 0);
        }
        awaitEvent(
                p,
                d,
                e ->
                        type("remote_ignored").test(e)
                                && e.path("reason").asText().equals("REPEATED"));
        int from = p.on(d.prefix() + "/state").size();
        assertEquals(200, post(d, "/v1/access", TestDoor.courierOnce()).statusCode());
        p.await(d.prefix() + "/state", from, lock("unlocked"), WAIT);
        long locks =
                p.on(d.prefix() + "/events").stream()
                        .filter(r -> r.payload().contains("\"type\":\"lock_requested\""))
                        .count();
        assertEquals(1, locks, "one LOCK per window reaches the door");
    }

    @Test
    void anAnswer_neverGoesToTheDoorsOwnTopics_whateverTheResponseTopicSays() throws Exception {
        Door d = door("discovery_prefix = \"\"\n");
        MqttProbe p = hass(d.prefix() + "/#");
        p.await(d.prefix() + "/state", 0, lock("locked"), WAIT);
        int states = p.on(d.prefix() + "/state").size();
        p.request(
                d.prefix() + "/mode",
                "{\"mode\":\"privacy\",\"token\":\"x\"}",
                d.prefix() + "/state",
                30);
        JsonNode answer = json(p.await(d.prefix() + "/result", 0, s -> true, WAIT).payload());
        assertEquals("mode", answer.get("request").asText(), answer.toString());
        assertEquals(states, p.on(d.prefix() + "/state").size(), "nothing published on state");
    }

    @Test
    void remoteLockOff_ignoresLock() throws Exception {
        Door d = door("discovery_prefix = \"\"\nremote_lock = false\n");
        MqttProbe p = hass(d.prefix() + "/#");
        p.await(d.prefix() + "/state", 0, lock("locked"), WAIT);
        int from = p.on(d.prefix() + "/state").size();
        assertEquals(200, post(d, "/v1/access", TestDoor.courierOnce()).statusCode());
        p.await(d.prefix() + "/state", from, lock("unlocked"), WAIT);
        p.publish(d.prefix() + "/command", "LOCK", false, 0);
        awaitEvent(
                p,
                d,
                e ->
                        type("remote_ignored").test(e)
                                && e.path("reason").asText().equals("REMOTE_LOCK_DISABLED"));
        assertTrue(status(d).contains("\"state\":\"UNLOCKED\""));
    }

    // ---- tokens over MQTT

    @Test
    void present_opensWithAFreshToken_replayIsAlreadyUsed_staleAndRetainedAreIgnored()
            throws Exception {
        Door d = door("discovery_prefix = \"\"\naccept_tokens = true\n");
        MqttProbe p = hass(d.prefix() + "/#");
        p.await(d.prefix() + "/state", 0, lock("locked"), WAIT);

        // No expiry and no ts: it could be days old.
        String token = TestDoor.courierOnce();
        p.publish(d.prefix() + "/present", token, false, 0);
        awaitEvent(
                p,
                d,
                e -> type("remote_ignored").test(e) && e.path("reason").asText().equals("STALE"));
        p.publish(
                d.prefix() + "/present",
                "{\"token\":\"" + token + "\",\"ts\":\"" + Instant.now().minusSeconds(300) + "\"}",
                false,
                0);
        // (counted, not recorded again within the window: the status still shows LOCKED)
        assertTrue(status(d).contains("\"state\":\"LOCKED\""));

        // Fresh by its message expiry; the answer comes on the response topic.
        int from = p.on(d.prefix() + "/state").size();
        p.request(d.prefix() + "/present", token, d.prefix() + "/result/courier", 30);
        JsonNode answer =
                json(p.await(d.prefix() + "/result/courier", 0, s -> true, WAIT).payload());
        assertTrue(answer.get("granted").asBoolean(), answer.toString());
        p.await(d.prefix() + "/state", from, lock("unlocked"), WAIT);
        assertEquals(200, post(d, "/v1/sim/door", "open").statusCode());
        assertEquals(200, post(d, "/v1/sim/door", "close").statusCode());
        p.await(d.prefix() + "/state", from, lock("locked"), WAIT);

        // Fresh by its ts, but used: the one-time store refuses it, over MQTT as anywhere.
        p.publish(
                d.prefix() + "/present",
                "{\"token\":\"" + token + "\",\"ts\":" + Instant.now().getEpochSecond() + "}",
                false,
                0);
        JsonNode replay = json(p.await(d.prefix() + "/result", 0, s -> true, WAIT).payload());
        assertEquals("ALREADY_USED", replay.get("reason").asText(), replay.toString());

        // Retained: never.
        p.publish(d.prefix() + "/present", TestDoor.courierOnce(), true, 30);
        awaitEvent(
                p,
                d,
                e ->
                        type("remote_ignored").test(e)
                                && e.path("reason").asText().equals("RETAINED"));
        p.clearRetained(d.prefix() + "/present");
        assertTrue(status(d).contains("\"state\":\"LOCKED\""));
    }

    @Test
    void present_isRefused_andNothingMoves_whenTheDoorTakesNoTokensOverMqtt() throws Exception {
        Door d = door("discovery_prefix = \"\"\n"); // accept_tokens defaults to false
        MqttProbe p = hass(d.prefix() + "/#");
        p.await(d.prefix() + "/state", 0, lock("locked"), WAIT);
        p.publish(d.prefix() + "/present", TestDoor.courierOnce(), false, 30);
        awaitEvent(
                p,
                d,
                e ->
                        type("remote_ignored").test(e)
                                && e.path("reason").asText().equals("TOKENS_NOT_ACCEPTED"));
        assertTrue(status(d).contains("\"state\":\"LOCKED\""));
        assertTrue(
                p.on(d.prefix() + "/events").stream()
                        .noneMatch(r -> r.payload().contains("\"type\":\"granted\"")));
    }

    @Test
    void mode_changesOnlyWithAnOwnerToken() throws Exception {
        Door d = door("discovery_prefix = \"\"\n");
        MqttProbe p = hass(d.prefix() + "/#");
        p.await(d.prefix() + "/state", 0, lock("locked"), WAIT);
        String courier = TestDoor.token(TestDoor.COURIER, Role.DELIVERY, Use.WINDOW, Instant.now());
        p.publish(
                d.prefix() + "/mode",
                "{\"mode\":\"privacy\",\"token\":\"" + courier + "\"}",
                false,
                30);
        JsonNode refused = json(p.await(d.prefix() + "/result", 0, s -> true, WAIT).payload());
        assertEquals("ROLE_NOT_ALLOWED", refused.get("reason").asText(), refused.toString());
        String owner = TestDoor.token(TestDoor.OWNER, Role.OWNER, Use.WINDOW, Instant.now());
        p.publish(
                d.prefix() + "/mode",
                "{\"mode\":\"privacy\",\"token\":\""
                        + owner
                        + "\",\"ts\":\""
                        + Instant.now()
                        + "\"}",
                false,
                0);
        p.await(d.prefix() + "/state", 0, s -> s.contains("\"mode\":\"PRIVACY\""), WAIT);
    }

    // ---- never deaf without knowing it (third review, finding 2)

    @Test
    void aResponseTopicWithWildcards_isRefusedAndAudited_andTheBridgeStillHearsEverything()
            throws Exception {
        // One present with response topic <prefix>/result/# made the door's client drop the
        // connection and, reconnected, drop every inbound message with only a warning: tokens,
        // LOCK, mode changes and fleet revocation lists.
        String fleet = "latchkey/fleet/acme-fleet/revocations-" + DOORS.get() + "-deaf";
        Door d =
                door(
                        "discovery_prefix = \"\"\naccept_tokens = true\nrevocations_topic = \""
                                + fleet
                                + "\"\n");
        // (Not <prefix>/#: the test's own client, HiveMQ's, would choke on the message just as the
        // door's old client did.)
        MqttProbe p = hass(d.prefix() + "/events", d.prefix() + "/state", d.prefix() + "/result");
        p.await(d.prefix() + "/state", 0, lock("locked"), WAIT);
        p.publish(d.prefix() + "/command", "LOCK", false, 0); // it hears: subscribed
        awaitEvent(p, d, type("lock_requested"));
        for (String bad : List.of(d.prefix() + "/result/#", d.prefix() + "/result/+")) {
            try (org.latchkey.testing.RawMqtt raw =
                    org.latchkey.testing.RawMqtt.connect(
                            "localhost",
                            broker.tlsPort(),
                            MqttProbe.tls(broker),
                            Mosquitto.HASS_USER,
                            Mosquitto.HASS_PASSWORD)) {
                raw.publishWithResponseTopic(
                        d.prefix() + "/present", TestDoor.courierOnce(), 30, bad);
            }
        }
        JsonNode refused =
                awaitEvent(
                        p,
                        d,
                        e ->
                                e.path("type").asText().equals("remote_ignored")
                                        && e.path("detail").asText().contains("response topic"));
        assertEquals("MALFORMED", refused.path("reason").asText());
        assertTrue(d.bridge().isConnected(), "still connected");
        // A fleet revocation list still arrives and is installed…
        String revoked = TestDoor.courierOnce();
        UnverifiedToken t = UnverifiedToken.read(revoked);
        p.publish(fleet, fleetList(30, t.kid() + "/" + t.claims().path("jti").asText()), true, 0);
        assertEquals(30, awaitEvent(p, d, type("revocations_installed")).get("list_seq").asLong());
        assertTrue(post(d, "/v1/access", revoked).body().contains("REVOKED"));
        // …and a token over MQTT still opens the door.
        p.publish(d.prefix() + "/present", TestDoor.courierOnce(), false, 30);
        p.await(d.prefix() + "/result", 0, s -> s.contains("\"granted\":true"), WAIT);
        p.clearRetained(fleet);
    }

    @Test
    void aBridgeThatStopsHearing_knowsWithinAProbe_saysSo_reconnects_andHearsAgain()
            throws Exception {
        Door d = door("discovery_prefix = \"\"\naccept_tokens = true\n");
        MqttProbe p = hass(d.prefix() + "/#");
        p.await(d.prefix() + "/state", 0, s -> s.contains("\"inbound\":\"ok\""), WAIT);
        int from = p.on(d.prefix() + "/state").size();
        d.bridge().deafenThisSession = true; // the client still publishes, hears nothing
        d.bridge().probeNow();
        p.await(d.prefix() + "/state", from, s -> s.contains("\"inbound\":\"degraded\""), WAIT);
        awaitEvent(
                p,
                d,
                e ->
                        e.path("type").asText().equals("mqtt_bridge")
                                && e.path("event").asText().equals("inbound_degraded"));
        // Reconnected, subscriptions made anew: a probe comes back, and it says so.
        p.await(d.prefix() + "/state", from, s -> s.contains("\"inbound\":\"ok\""), WAIT);
        awaitEvent(
                p,
                d,
                e ->
                        e.path("type").asText().equals("mqtt_bridge")
                                && e.path("event").asText().equals("inbound_ok"));
        assertTrue(
                status(d).contains("\"mqtt\":{\"connected\":true,\"inbound\":\"ok\""), status(d));
        p.publish(d.prefix() + "/present", TestDoor.courierOnce(), false, 30);
        p.await(d.prefix() + "/result", 0, s -> s.contains("\"granted\":true"), WAIT);
    }

    @Test
    void twoDoorsKickingEachOtherOff_reconnectWithAGrowingBackoff_notInALoop() throws Exception {
        // Two doors given the same client id: the broker ends one's session whenever the other
        // connects. Each connection is brief, so the backoff keeps growing (1, 2, 4, 8… s).
        Door a = door("discovery_prefix = \"\"\nclient_id = \"latchkey-twin\"\n");
        Door b = door("discovery_prefix = \"\"\nclient_id = \"latchkey-twin\"\n");
        long end = System.nanoTime() + Duration.ofSeconds(16).toNanos();
        while (System.nanoTime() < end) {
            Thread.sleep(200); // real time must pass for real reconnects: polling
        }
        long connects = a.bridge().connects() + b.bridge().connects();
        assertTrue(connects <= 12, "reconnected " + connects + " times in 16 s");
        assertTrue(connects >= 3, "they do keep trying: " + connects);
        assertDoorWorks(a);
    }

    @Test
    void aProbeTheAclForbids_readsAsProbeNotPermitted_notAsAReconnectLoop() throws Exception {
        Door d =
                door(
                        "discovery_prefix = \"\"\n",
                        null,
                        broker.tlsPort(),
                        broker.caFile(),
                        Mosquitto.NO_PROBE_USER);
        awaitStatus(d, s -> s.contains("\"inbound\":\"probe_not_permitted\""));
        d.bridge().probeNow();
        d.bridge().probeNow();
        awaitStatus(d, s -> s.contains("\"inbound\":\"probe_not_permitted\""));
        assertTrue(d.bridge().isConnected());
        assertTrue(status(d).contains("\"connected\":true"), status(d));
    }

    @Test
    void aBrokerThatAcknowledgesNothing_whileTheConnectionLives_isDegraded_andLeft()
            throws Exception {
        // The fourth review: a broker answered PINGREQ and nothing else; for minutes the door
        // said inbound ok, recorded nothing, and did not reconnect.
        FakeBroker fake = FakeBroker.start();
        toClose.add(fake);
        Door d = plainDoor(fake.port());
        awaitStatus(d, s -> s.contains("\"inbound\":\"ok\""));
        fake.zombie();
        d.bridge().probeNow();
        awaitStatus(d, s -> s.contains("\"inbound\":\"degraded\""));
        awaitAudit(d, "did not acknowledge the probe");
        long end = System.nanoTime() + WAIT.toNanos();
        while (fake.connections() < 2) {
            assertTrue(System.nanoTime() < end, "the door never left the zombie broker");
            Thread.sleep(50); // real reconnects take real time: polling, bounded
        }
        fake.heal();
        d.bridge().probeNow();
        awaitStatus(d, s -> s.contains("\"inbound\":\"ok\""));
    }

    @Test
    void messagesTheDoorCannotTakeIn_areCountedAndReported_neverLostInSilence() throws Exception {
        // The fourth review: a flood filled the inbound queue; valid tokens in it got no answer
        // and no record while status said inbound ok.
        Door d = door("discovery_prefix = \"\"\naccept_tokens = true\n");
        MqttProbe p = hass(d.prefix() + "/#");
        p.await(d.prefix() + "/state", 0, s -> s.contains("\"inbound\":\"ok\""), WAIT);
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        d.bridge().holdReceiver = busy;
        int sent = MqttBridge.INBOUND_QUEUE + 3;
        for (int i = 0; i < sent; i++) {
            p.publish(d.prefix() + "/present", "v4.public.not-a-token-" + i, false, 30);
        }
        long end = System.nanoTime() + WAIT.toNanos();
        while (d.bridge().inboundDropped() == 0) {
            assertTrue(System.nanoTime() < end, "nothing was dropped");
            Thread.sleep(50);
        }
        assertTrue(status(d).contains("\"dropped\":"), status(d));
        busy.countDown();
        d.bridge().holdReceiver = null;
        awaitEvent(
                p,
                d,
                e ->
                        e.path("type").asText().equals("mqtt_bridge")
                                && e.path("event").asText().equals("inbound_dropped"));
        d.bridge().probeNow();
        int from = 0;
        p.await(
                d.prefix() + "/state",
                from,
                s -> s.contains("\"inbound\":\"degraded\"") && s.contains("dropped since"),
                WAIT);
        // Nothing more dropped: the next probe says ok again.
        d.bridge().probeNow();
        p.await(d.prefix() + "/state", from, s -> s.contains("\"inbound\":\"ok\""), WAIT);
    }

    @Test
    void aProbeTheAclLetsTheDoorSendButNotRead_isDegraded_withAGrowingBackoff() throws Exception {
        // The fourth review: SUBACK granted, nothing delivered; the door reconnected every 12 s
        // for ever and its status mostly read "checking".
        Door d =
                door(
                        "discovery_prefix = \"\"\n",
                        null,
                        broker.tlsPort(),
                        broker.caFile(),
                        Mosquitto.WRITE_ONLY_PROBE_USER);
        awaitStatus(d, s -> s.contains("\"inbound\":\"degraded\""));
        long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < end) {
            String st = status(d);
            assertFalse(
                    st.contains("\"inbound\":\"checking\"") || st.contains("\"inbound\":\"ok\""),
                    "no probe ever came back, yet: " + st);
            Thread.sleep(500); // real time must pass for real reconnects: polling
        }
        // Each session ends 11 s in (1 s to the first probe, 10 s for it); the waits between
        // them grow (2, 4, 8… s, up to 30 s) instead of starting over at 1 s every time.
        assertTrue(d.bridge().connects() >= 3, "it does keep trying: " + d.bridge().connects());
        assertTrue(
                d.bridge().lastBackoff().compareTo(Duration.ofSeconds(8)) >= 0,
                "the wait before the last reconnect: " + d.bridge().lastBackoff());
    }

    /** A door on the fake broker: plain MQTT to 127.0.0.1, anonymous. */
    private Door plainDoor(int port) throws Exception {
        String prefix = "latchkey/t" + DOORS.incrementAndGet();
        Path home = java.nio.file.Files.createDirectories(dir.resolve("door-" + DOORS.get()));
        Path config =
                TestDoor.config()
                        .set("state_dir = \"state\"")
                        .table("[hal]\ndriver = \"simulated\"")
                        .table(
                                "[mqtt]\nurl = \"mqtt://127.0.0.1:"
                                        + port
                                        + "\"\ntopic_prefix = \""
                                        + prefix
                                        + "\"\ndiscovery_prefix = \"\"\n")
                        .write(home);
        Door d = new Door(Latchkeyd.start(config, true, 0), prefix, home.resolve("state"));
        toClose.add(d);
        return d;
    }

    /** Waits until the door's audit log holds a line containing {@code words}. */
    private static void awaitAudit(Door d, String words) throws Exception {
        Path log = d.state().resolve("audit/audit.log");
        long end = System.nanoTime() + WAIT.toNanos();
        while (!java.nio.file.Files.readString(log).contains(words)) {
            assertTrue(System.nanoTime() < end, "no audit record says: " + words);
            Thread.sleep(50);
        }
    }

    // ---- fleet revocations

    @Test
    void fleetRevocationList_onTheTopic_isInstalled_andALowerSeqIsRefused() throws Exception {
        String topic = "latchkey/fleet/acme-fleet/revocations-" + DOORS.get();
        Door d = door("discovery_prefix = \"\"\nrevocations_topic = \"" + topic + "\"\n");
        MqttProbe p = hass(d.prefix() + "/#");
        p.await(d.prefix() + "/state", 0, lock("locked"), WAIT);
        String token = TestDoor.courierOnce();
        UnverifiedToken t = UnverifiedToken.read(token);
        String ref = t.kid() + "/" + t.claims().path("jti").asText();
        p.publish(topic, fleetList(20, ref), true, 0);
        JsonNode installed = awaitEvent(p, d, type("revocations_installed"));
        assertEquals(20, installed.get("list_seq").asLong());
        HttpResponse<String> refused = post(d, "/v1/access", token);
        assertTrue(refused.body().contains("\"reason\":\"REVOKED\""), refused.body());

        p.publish(topic, fleetList(19, ref), true, 0);
        JsonNode lower = awaitEvent(p, d, type("revocations_refused"));
        assertEquals("SEQ_NOT_NEWER", lower.get("reason").asText());
        p.clearRetained(topic);
    }

    @Test
    void aCompanysOwnList_onItsOwnTopic_isInstalled_onAnotherKeysTopicIgnored() throws Exception {
        String topic = "latchkey/fleet/acme-fleet/revocations-" + DOORS.get();
        Door d = door("discovery_prefix = \"\"\nrevocations_topic = \"" + topic + "\"\n");
        MqttProbe p = hass(d.prefix() + "/#");
        p.await(d.prefix() + "/state", 0, lock("locked"), WAIT);
        String token = TestDoor.courierOnce();
        UnverifiedToken t = UnverifiedToken.read(token);
        String ref = t.kid() + "/" + t.claims().path("jti").asText();
        String ownerKid = TestDoor.OWNER.publicKey().pid();
        // Its list on the owner's topic: ignored, never installed (the retained lists of two
        // signers must not share a topic).
        p.publish(topic + "/" + ownerKid, companyList(1_796_650_000_000L, ref), true, 0);
        JsonNode wrong = awaitEvent(p, d, type("remote_ignored"));
        assertEquals("WRONG_TOPIC", wrong.get("reason").asText());
        p.publish(topic + "/" + t.kid(), companyList(1_796_650_000_000L, ref), true, 0);
        JsonNode installed = awaitEvent(p, d, type("revocations_installed"));
        assertEquals(t.kid(), installed.get("signer").asText());
        HttpResponse<String> refused = post(d, "/v1/access", token);
        assertTrue(refused.body().contains("\"reason\":\"REVOKED\""), refused.body());
        assertTrue(
                post(d, "/v1/access", TestDoor.courierOnce()).body().contains("\"granted\":true"),
                "only the token it named");
        p.clearRetained(topic + "/" + ownerKid);
        p.clearRetained(topic + "/" + t.kid());
    }

    /** The courier company's own list for the fleet. */
    private static String companyList(long seq, String ref) {
        return AccessTokens.sign(
                TestDoor.COURIER,
                ("{\"typ\":\"latchkey-revocation\",\"aud\":\"acme-fleet\",\"seq\":"
                                + seq
                                + ",\"iat\":\"2026-11-25T09:00:00Z\",\"jti\":[\""
                                + ref
                                + "\"]}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static String fleetList(long seq, String ref) {
        return AccessTokens.sign(
                TestDoor.OWNER,
                ("{\"typ\":\"latchkey-revocation\",\"aud\":\"acme-fleet\",\"seq\":"
                                + seq
                                + ",\"iat\":\"2026-11-25T09:00:00Z\",\"jti\":[\""
                                + ref
                                + "\"],\"kid\":[]}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    // ---- resilience

    @Test
    void brokerKilledMidRun_theDoorGrantsAndRelocksMeanwhile_thenAvailabilityStateDiscoveryAreBack()
            throws Exception {
        Door d = door("discovery_prefix = \"homeassistant\"\n");
        MqttProbe before = hass(d.prefix() + "/#");
        before.await(d.prefix() + "/state", 0, lock("locked"), WAIT);

        broker.kill();
        assertEquals(200, post(d, "/v1/access", TestDoor.courierOnce()).statusCode());
        awaitStatus(d, s -> s.contains("\"state\":\"UNLOCKED\""));
        assertEquals(200, post(d, "/v1/sim/door", "open").statusCode());
        assertEquals(200, post(d, "/v1/sim/door", "close").statusCode());
        awaitStatus(
                d, s -> s.contains("\"state\":\"LOCKED\"") && s.contains("\"bolt\":\"LOCKED\""));
        assertFalse(d.bridge().isConnected());
        broker.restart();

        // The broker lost every retained message (no persistence): the door sends them again.
        MqttProbe after = hass(d.prefix() + "/#", "homeassistant/lock/#");
        after.await(d.prefix() + "/availability", 0, "online"::equals, Duration.ofSeconds(60));
        after.await(d.prefix() + "/state", 0, lock("locked"), WAIT);
        after.await(
                "homeassistant/lock/latchkey_front-door/lock/config", 0, s -> !s.isEmpty(), WAIT);
        // And commands work again on the new connection.
        int from = after.on(d.prefix() + "/state").size();
        assertEquals(200, post(d, "/v1/access", TestDoor.courierOnce()).statusCode());
        after.await(d.prefix() + "/state", from, lock("unlocked"), WAIT);
        after.publish(d.prefix() + "/command", "LOCK", false, 0);
        after.await(d.prefix() + "/state", from, lock("locked"), WAIT);
    }

    @Test
    void wrongCa_noConnection_aClearReason_andTheDoorWorks() throws Exception {
        Path otherCa =
                org.latchkey.testing.TestCa.create("someone else")
                        .writeCert(dir.resolve("other-ca.crt"));
        Door d = door("discovery_prefix = \"\"\n", null, broker.tlsPort(), otherCa);
        awaitProblem(d, "certificate did not verify");
        assertDoorWorks(d);
    }

    @Test
    void wrongPassword_noConnection_aClearReason_andTheDoorWorks() throws Exception {
        Path wrong = Mosquitto.passwordFile(dir, "wrong-password", "not-the-password");
        Door d = door("discovery_prefix = \"\"\n", wrong);
        awaitProblem(d, "refused the credentials");
        assertDoorWorks(d);
    }

    @Test
    void mutualTls_connectsWithTheClientCertificate() throws Exception {
        Door d =
                door(
                        "discovery_prefix = \"\"\nclient_cert = \""
                                + broker.clientCert()
                                + "\"\nclient_key = \""
                                + broker.clientKey()
                                + "\"\n",
                        null,
                        broker.mtlsPort());
        MqttProbe p = hass(d.prefix() + "/#");
        p.await(d.prefix() + "/availability", 0, "online"::equals, WAIT);
    }

    @Test
    void mutualTls_withoutAClientCertificate_noConnection() throws Exception {
        Door d = door("discovery_prefix = \"\"\n", null, broker.mtlsPort());
        awaitProblem(d, "");
        assertFalse(d.bridge().isConnected());
        assertDoorWorks(d);
    }

    private void awaitProblem(Door d, String words) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end
                && !(d.bridge().problem().contains(words) && !d.bridge().problem().isEmpty())) {
            Thread.sleep(20); // the bridge's first attempt, bounded
        }
        assertTrue(
                d.bridge().problem().contains(words) && !d.bridge().problem().isEmpty(),
                "problem: " + d.bridge().problem());
        assertFalse(d.bridge().isConnected());
    }

    private void assertDoorWorks(Door d) throws Exception {
        awaitStatus(d, s -> s.contains("\"state\":\"LOCKED\""));
        assertEquals(200, post(d, "/v1/access", TestDoor.courierOnce()).statusCode());
        awaitStatus(d, s -> s.contains("\"state\":\"UNLOCKED\""));
        assertEquals(200, post(d, "/v1/sim/door", "open").statusCode());
        assertEquals(200, post(d, "/v1/sim/door", "close").statusCode());
        awaitStatus(
                d, s -> s.contains("\"state\":\"LOCKED\"") && s.contains("\"bolt\":\"LOCKED\""));
    }

    private void awaitStatus(Door d, Predicate<String> wanted) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            last = status(d);
            if (wanted.test(last)) {
                return;
            }
            Thread.sleep(20); // polling a real daemon, bounded
        }
        throw new AssertionError("status never matched: " + last);
    }
}
