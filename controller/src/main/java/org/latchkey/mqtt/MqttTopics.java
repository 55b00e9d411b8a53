package org.latchkey.mqtt;

import org.latchkey.config.MqttSettings;

import java.util.Optional;

/**
 * The topics of one door, under its prefix: what it publishes and what it listens to.
 *
 * @param availability {@code online} (retained) while connected; {@code offline} as the will
 * @param state the door as JSON, retained, on every change
 * @param events each audit record's log line, byte for byte, QoS 1, not retained
 * @param lastAccess the last grant (who, role, when), retained
 * @param access {@code granted}/{@code refused} events for Home Assistant's event entity
 * @param command {@code LOCK}; nothing else acts
 * @param present an access token, fresh (message expiry ≤ 60 s or a {@code ts} within 30 s)
 * @param mode {@code {"mode":…,"token":…}} with an owner token, fresh
 * @param result the answer to a present or mode message without a response topic of its own
 * @param discoveryStatus Home Assistant's birth message: {@code online} asks for discovery again
 * @param revocations where a fleet's signed revocation lists are published
 * @param probe the bridge's own: a random nonce it sends itself to prove it still receives
 */
public record MqttTopics(
        String prefix,
        String availability,
        String state,
        String events,
        String lastAccess,
        String access,
        String command,
        String present,
        String mode,
        String result,
        Optional<String> discoveryStatus,
        Optional<String> revocations,
        String probe) {

    /** Where the receipts of visits by tokens of key {@code issuerKid} are published. */
    public String receipts(String issuerKid) {
        return prefix + "/receipts/" + issuerKid;
    }

    public static MqttTopics of(MqttSettings s) {
        String p = s.topicPrefix();
        return new MqttTopics(
                p,
                p + "/availability",
                p + "/state",
                p + "/events",
                p + "/last_access",
                p + "/access",
                p + "/command",
                p + "/present",
                p + "/mode",
                p + "/result",
                s.discovery() ? Optional.of(s.discoveryPrefix() + "/status") : Optional.empty(),
                s.revocationsTopic(),
                p + "/probe");
    }
}
