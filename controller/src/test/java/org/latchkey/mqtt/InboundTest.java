package org.latchkey.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.latchkey.config.MqttSettings;
import org.latchkey.door.Mode;
import org.latchkey.token.ClockReading;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/** The bridge's decision on each message, on its own: narrow, never stale, never retained. */
class InboundTest {
    static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");

    static MqttSettings settings(boolean remoteLock, boolean acceptTokens) {
        return new MqttSettings(
                "mqtts://broker.lan",
                "broker.lan",
                8883,
                true,
                "latchkey-front",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                "latchkey/front",
                "homeassistant",
                remoteLock,
                acceptTokens,
                Optional.of("latchkey/fleet/revocations"));
    }

    static final MqttSettings OPEN = settings(true, true);
    static final MqttTopics T = MqttTopics.of(OPEN);

    static Inbound decide(
            MqttSettings s, String topic, String payload, boolean retained, long expiry) {
        return Inbound.decide(
                MqttTopics.of(s),
                s,
                new Inbound.Message(
                        topic,
                        payload.getBytes(StandardCharsets.UTF_8),
                        retained,
                        expiry < 0 ? OptionalLong.empty() : OptionalLong.of(expiry)),
                new ClockReading.Trusted(NOW));
    }

    static String reason(Inbound i) {
        return assertInstanceOf(Inbound.Ignored.class, i).reason();
    }

    @net.jqwik.api.Example
    void present_theTokenGoesOnAsItCame_notStripped() {
        for (String body :
                java.util.List.of(
                        " v4.public.x", "\nv4.public.x", "v4.public.x\n\n", "v4.public.x ")) {
            assertEquals(
                    body,
                    assertInstanceOf(
                                    Inbound.Present.class,
                                    decide(OPEN, T.present(), body, false, 30))
                            .token());
        }
        assertEquals(
                " v4.public.y\n",
                assertInstanceOf(
                                Inbound.Present.class,
                                decide(
                                        OPEN,
                                        T.present(),
                                        " {\"token\":\" v4.public.y\\n\"}",
                                        false,
                                        30))
                        .token());
    }

    @Provide
    Arbitrary<String> commandTopics() {
        return Arbitraries.of(T.command(), T.present(), T.mode());
    }

    @Provide
    Arbitrary<String> payloads() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(80),
                Arbitraries.of(
                        "LOCK",
                        " LOCK\n",
                        "UNLOCK",
                        "OPEN",
                        "lock",
                        "v4.public.x",
                        "{\"mode\":\"privacy\",\"token\":\"v4.public.x\",\"ts\":1795683600}",
                        "{\"token\":\"v4.public.x\",\"ts\":\"2026-11-25T09:00:00Z\"}"));
    }

    @Property
    void aRetainedMessage_onAnyCommandTopic_isNeverActedOn(
            @ForAll("commandTopics") String topic,
            @ForAll("payloads") String payload,
            @ForAll boolean accept) {
        assertEquals("RETAINED", reason(decide(settings(true, accept), topic, payload, true, 10)));
    }

    @Property
    void theCommandTopic_locksOnlyOnLock_andNeverUnlocks(
            @ForAll("payloads") String payload, @ForAll long expiry) {
        Inbound i = decide(OPEN, T.command(), payload, false, expiry);
        if (payload.strip().equals("LOCK")) {
            assertInstanceOf(Inbound.Lock.class, i);
        } else {
            assertInstanceOf(Inbound.Ignored.class, i);
        }
    }

    @Property
    void aTokenActsOnlyWhenFresh_byExpiryOrTs(
            @ForAll("payloads") String payload, @ForAll long expiry, @ForAll long tsOffset) {
        Inbound i = decide(OPEN, T.present(), payload, false, expiry);
        if (i instanceof Inbound.Present) {
            boolean byExpiry = expiry >= 0 && expiry <= 60;
            boolean byTs = payload.contains("\"ts\"");
            assertTrue(byExpiry || byTs, "fresh: " + payload + " expiry " + expiry);
        }
    }

    @Property
    void tokensNotAccepted_nothingButIgnored(
            @ForAll("payloads") String payload, @ForAll long expiry) {
        assertEquals(
                "TOKENS_NOT_ACCEPTED",
                reason(decide(settings(true, false), T.present(), payload, false, expiry)));
    }

    @Property
    void decide_neverThrows(
            @ForAll String topic,
            @ForAll byte[] payload,
            @ForAll boolean retained,
            @ForAll long e) {
        Inbound.decide(
                T,
                OPEN,
                new Inbound.Message(topic, payload, retained, OptionalLong.of(e)),
                new ClockReading.Trusted(NOW));
    }

    @net.jqwik.api.Example
    void ts_cannotBeJudged_onAClockTheDoorDoesNotTrust_onlyTheExpiryCounts() {
        ClockReading untrusted = new ClockReading.Untrusted(NOW, NOW.plusSeconds(3600), "test");
        String body = "{\"token\":\"v4.public.x\",\"ts\":" + NOW.getEpochSecond() + "}";
        assertEquals("STALE", reason(Inbound.decide(T, OPEN, present(body, -1), untrusted)));
        assertEquals(
                new Inbound.Present("v4.public.x"),
                Inbound.decide(T, OPEN, present(body, 30), untrusted));
    }

    private static Inbound.Message present(String body, long expiry) {
        return new Inbound.Message(
                T.present(),
                body.getBytes(StandardCharsets.UTF_8),
                false,
                expiry < 0 ? OptionalLong.empty() : OptionalLong.of(expiry));
    }

    @net.jqwik.api.Example
    void theRules_byExample() {
        assertEquals("UNLOCK_REFUSED", reason(decide(OPEN, T.command(), "UNLOCK", false, -1)));
        assertEquals("UNLOCK_REFUSED", reason(decide(OPEN, T.command(), "OPEN", false, -1)));
        assertEquals(
                "REMOTE_LOCK_DISABLED",
                reason(decide(settings(false, true), T.command(), "LOCK", false, -1)));
        assertEquals("UNKNOWN_COMMAND", reason(decide(OPEN, T.command(), "lock", false, -1)));
        assertEquals("TOO_LARGE", reason(decide(OPEN, T.command(), "L".repeat(65), false, -1)));
        assertEquals(
                new Inbound.Present("v4.public.x"),
                decide(OPEN, T.present(), "v4.public.x", false, 60));
        assertEquals("STALE", reason(decide(OPEN, T.present(), "v4.public.x", false, 61)));
        assertEquals("STALE", reason(decide(OPEN, T.present(), "v4.public.x", false, -1)));
        assertEquals(
                new Inbound.Present("v4.public.x"),
                decide(
                        OPEN,
                        T.present(),
                        "{\"token\":\"v4.public.x\",\"ts\":\"2026-11-25T08:59:31Z\"}",
                        false,
                        -1));
        assertEquals(
                "STALE",
                reason(
                        decide(
                                OPEN,
                                T.present(),
                                "{\"token\":\"v4.public.x\",\"ts\":\"2026-11-25T08:59:29Z\"}",
                                false,
                                -1)));
        assertEquals(
                "MALFORMED",
                reason(decide(OPEN, T.present(), "{\"token\":1,\"ts\":0}", false, 10)));
        assertEquals(
                new Inbound.ChangeMode(Mode.PRIVACY, "v4.public.o"),
                decide(
                        OPEN,
                        T.mode(),
                        "{\"mode\":\"privacy\",\"token\":\"v4.public.o\",\"ts\":"
                                + NOW.getEpochSecond()
                                + "}",
                        false,
                        -1));
        assertEquals(
                "MALFORMED",
                reason(decide(OPEN, T.mode(), "{\"mode\":\"open\",\"token\":\"x\"}", false, 10)));
        assertEquals(
                new Inbound.InstallRevocations("v4.public.list", java.util.Optional.empty()),
                decide(OPEN, "latchkey/fleet/revocations", "v4.public.list", true, -1));
        String kid = "k4.pid." + "A".repeat(44);
        assertEquals(
                new Inbound.InstallRevocations("v4.public.list", java.util.Optional.of(kid)),
                decide(OPEN, "latchkey/fleet/revocations/" + kid, "v4.public.list", true, -1));
        assertEquals(
                "WRONG_TOPIC",
                reason(
                        decide(
                                OPEN,
                                "latchkey/fleet/revocations/parcel-co",
                                "v4.public.list",
                                true,
                                -1)));
        assertEquals(
                new Inbound.Rediscover(), decide(OPEN, "homeassistant/status", "online", true, -1));
        assertEquals(
                new Inbound.Nothing(), decide(OPEN, "homeassistant/status", "offline", false, -1));
    }
}
