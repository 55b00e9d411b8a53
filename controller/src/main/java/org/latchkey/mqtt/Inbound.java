package org.latchkey.mqtt;

import com.fasterxml.jackson.databind.JsonNode;

import org.latchkey.config.MqttSettings;
import org.latchkey.door.Mode;
import org.latchkey.token.ClockReading;
import org.latchkey.token.Json;
import org.latchkey.token.Rfc3339;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the door makes of one message from the broker: a pure decision, taken before anything moves.
 * Narrow by design: {@code LOCK} is the only command; an unlock comes only as a signed token
 * through the same gate as the API; nothing retained and nothing stale is acted on (a {@code LOCK}
 * needs no freshness: it can only secure the door).
 */
public sealed interface Inbound {
    /** Lock the door (once closed). */
    record Lock() implements Inbound {}

    /** Present an access token at the gate. */
    record Present(String token) implements Inbound {}

    /** Change the mode with an owner token. */
    record ChangeMode(Mode mode, String token) implements Inbound {}

    /** Install a signed revocation list. */
    /**
     * A revocation list: from the revocations topic itself (an owners' list), or from {@code
     * <revocations_topic>/<kid>} (that key's own list), so that each signer's retained list has a
     * topic of its own and none replaces another's.
     */
    record InstallRevocations(String text, Optional<String> topicKid) implements Inbound {}

    /** Home Assistant came online: publish discovery (and the state) again. */
    record Rediscover() implements Inbound {}

    /**
     * Not acted on, and audited.
     *
     * @param reason a stable name: RETAINED, STALE, UNLOCK_REFUSED, UNKNOWN_COMMAND,
     *     REMOTE_LOCK_DISABLED, TOKENS_NOT_ACCEPTED, MALFORMED, TOO_LARGE (and, from the bridge,
     *     REPEATED: a LOCK within the window of the last one)
     */
    record Ignored(String reason, String detail) implements Inbound {}

    /** Nothing to do and nothing worth a record (Home Assistant going offline). */
    record Nothing() implements Inbound {}

    /** A present or mode message must carry an MQTT 5 message expiry of at most this… */
    Duration MAX_EXPIRY = Duration.ofSeconds(60);

    /** …or a {@code ts} this close to the door's clock. */
    Duration MAX_TS_DISTANCE = Duration.ofSeconds(30);

    /** Bodies as large as the API's. */
    int MAX_TOKEN_MESSAGE_BYTES = 4096;

    /** A command is one short word. */
    int MAX_COMMAND_BYTES = 64;

    /** One message as it arrived. */
    record Message(String topic, byte[] payload, boolean retained, OptionalLong expirySeconds) {}

    /** The decision for {@code m} at the door's time {@code now}. */
    static Inbound decide(MqttTopics topics, MqttSettings settings, Message m, ClockReading clock) {
        String t = m.topic();
        if (topics.discoveryStatus().isPresent() && t.equals(topics.discoveryStatus().get())) {
            return text(m).strip().equals("online") ? new Rediscover() : new Nothing();
        }
        if (topics.revocations().isPresent() && t.equals(topics.revocations().get())) {
            // A fleet's list is published retained on purpose: installed like POST /v1/revocations.
            return new InstallRevocations(text(m), Optional.empty());
        }
        if (topics.revocations().isPresent() && t.startsWith(topics.revocations().get() + "/")) {
            String kid = t.substring(topics.revocations().get().length() + 1);
            if (!org.latchkey.token.Paserk.PID.matcher(kid).matches()) {
                return new Ignored(
                        "WRONG_TOPIC",
                        "a revocation list's own topic ends in its signer's key id (k4.pid.…)");
            }
            return new InstallRevocations(text(m), Optional.of(kid));
        }
        if (m.retained()) {
            return new Ignored(
                    "RETAINED",
                    "a retained message on a command topic is never acted on (it could be old)");
        }
        if (t.equals(topics.command())) {
            return command(settings, m);
        }
        if (t.equals(topics.present())) {
            if (!settings.acceptTokens()) {
                return new Ignored(
                        "TOKENS_NOT_ACCEPTED",
                        "this door takes no tokens over MQTT (accept_tokens)");
            }
            return present(m, clock);
        }
        if (t.equals(topics.mode())) {
            return mode(m, clock);
        }
        return new Nothing(); // not a topic this door listens to
    }

    private static Inbound command(MqttSettings settings, Message m) {
        if (m.payload().length > MAX_COMMAND_BYTES) {
            return new Ignored("TOO_LARGE", "a command of " + m.payload().length + " bytes");
        }
        String word = text(m).strip();
        return switch (word) {
            case "LOCK" ->
                    settings.remoteLock()
                            ? new Lock()
                            : new Ignored(
                                    "REMOTE_LOCK_DISABLED",
                                    "LOCK over MQTT is switched off (remote_lock = false)");
            case "UNLOCK", "OPEN" ->
                    new Ignored(
                            "UNLOCK_REFUSED",
                            "there is no plain "
                                    + word
                                    + ": an unlock takes a signed token on the present topic");
            default ->
                    new Ignored(
                            "UNKNOWN_COMMAND",
                            "not LOCK (" + m.payload().length + " bytes, not shown)");
        };
    }

    /** A bare token (fresh by its message expiry), or {@code {"token":…,"ts":…}}. */
    private static Inbound present(Message m, ClockReading clock) {
        if (m.payload().length > MAX_TOKEN_MESSAGE_BYTES) {
            return new Ignored("TOO_LARGE", "more than " + MAX_TOKEN_MESSAGE_BYTES + " bytes");
        }
        // The token as it came: the gate applies the one rule for line ends (no strip here: a
        // token with a space or a second line end is MALFORMED, however it arrives).
        String body = text(m);
        if (!body.stripLeading().startsWith("{")) {
            return fresh(m, null, clock).orElse(new Present(body));
        }
        JsonNode json;
        try {
            json = Json.read(body);
        } catch (IOException e) {
            return new Ignored("MALFORMED", "not a token and not a JSON object");
        }
        if (!json.path("token").isTextual()) {
            return new Ignored("MALFORMED", "no \"token\" string");
        }
        return fresh(m, json, clock).orElse(new Present(json.get("token").textValue()));
    }

    /** {@code {"mode":"privacy"|"normal","token":…,"ts":…}}. */
    private static Inbound mode(Message m, ClockReading clock) {
        if (m.payload().length > MAX_TOKEN_MESSAGE_BYTES) {
            return new Ignored("TOO_LARGE", "more than " + MAX_TOKEN_MESSAGE_BYTES + " bytes");
        }
        JsonNode json;
        try {
            json = Json.read(text(m));
        } catch (IOException e) {
            return new Ignored("MALFORMED", "not a JSON object like {\"mode\":…,\"token\":…}");
        }
        Mode mode =
                switch (json.path("mode").asText("")) {
                    case "normal" -> Mode.NORMAL;
                    case "privacy" -> Mode.PRIVACY;
                    default -> null;
                };
        if (mode == null || !json.path("token").isTextual()) {
            return new Ignored(
                    "MALFORMED", "needs \"mode\" (normal or privacy) and an owner \"token\"");
        }
        return fresh(m, json, clock).orElse(new ChangeMode(mode, json.get("token").textValue()));
    }

    /** Empty when the message is fresh; else why it is ignored. */
    private static java.util.Optional<Inbound> fresh(Message m, JsonNode json, ClockReading clock) {
        OptionalLong expiry = m.expirySeconds();
        if (expiry.isPresent() && expiry.getAsLong() <= MAX_EXPIRY.toSeconds()) {
            return java.util.Optional.empty();
        }
        if (json != null && json.has("ts")) {
            Instant ts;
            try {
                JsonNode n = json.get("ts");
                ts =
                        n.isIntegralNumber() && n.canConvertToLong()
                                ? Instant.ofEpochSecond(n.longValue())
                                : Rfc3339.parse(n.asText(""));
            } catch (RuntimeException e) {
                return java.util.Optional.of(
                        new Ignored(
                                "MALFORMED",
                                "ts must be RFC 3339 (2026-11-25T09:00:00Z) or Unix seconds"));
            }
            if (!(clock instanceof ClockReading.Trusted trusted)) {
                // A clock the door does not trust cannot tell a fresh ts from a delayed one.
                return java.util.Optional.of(
                        new Ignored(
                                "STALE",
                                "the door's clock is not trusted, so ts cannot be judged: use an"
                                        + " MQTT 5 message expiry"));
            }
            if (Duration.between(ts, trusted.now()).abs().compareTo(MAX_TS_DISTANCE) <= 0) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(
                    new Ignored(
                            "STALE",
                            "ts is more than "
                                    + MAX_TS_DISTANCE.toSeconds()
                                    + " s from the door's clock"));
        }
        return java.util.Optional.of(
                new Ignored(
                        "STALE",
                        "needs an MQTT 5 message expiry of at most "
                                + MAX_EXPIRY.toSeconds()
                                + " s or a \"ts\" within "
                                + MAX_TS_DISTANCE.toSeconds()
                                + " s of the door's clock"));
    }

    /** The payload as text: UTF-8 when it is, else each byte as itself (the gate refuses it). */
    private static String text(Message m) {
        try {
            return Json.strictUtf8(m.payload());
        } catch (CharacterCodingException e) {
            return new String(m.payload(), StandardCharsets.ISO_8859_1);
        }
    }
}
