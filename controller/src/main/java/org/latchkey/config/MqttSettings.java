package org.latchkey.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code [mqtt]} section: where the door's MQTT bridge connects and what it offers. Absent, the
 * bridge is off. Secrets stay in their files; this record holds only their paths.
 *
 * @param url as written, e.g. {@code mqtts://broker.lan:8883}
 * @param tls {@code mqtts://}; plain {@code mqtt://} only to a loopback address unless the
 *     installer allowed it
 * @param passwordFile read when the bridge connects; never logged
 * @param caFile the broker's CA in PEM; empty: the system's trust store. The broker's name is
 *     always verified
 * @param clientCert with {@code clientKey}: mutual TLS
 * @param discoveryPrefix Home Assistant's discovery prefix; empty: no discovery
 * @param remoteLock act on {@code LOCK} on the command topic
 * @param acceptTokens act on access tokens on the present topic
 * @param revocationsTopic where a fleet's signed revocation lists are published (retained)
 */
public record MqttSettings(
        String url,
        String host,
        int port,
        boolean tls,
        String clientId,
        Optional<String> username,
        Optional<Path> passwordFile,
        Optional<Path> caFile,
        Optional<Path> clientCert,
        Optional<Path> clientKey,
        String topicPrefix,
        String discoveryPrefix,
        boolean remoteLock,
        boolean acceptTokens,
        Optional<String> revocationsTopic) {
    public MqttSettings {
        Objects.requireNonNull(url);
        Objects.requireNonNull(host);
        Objects.requireNonNull(clientId);
        Objects.requireNonNull(username);
        Objects.requireNonNull(passwordFile);
        Objects.requireNonNull(caFile);
        Objects.requireNonNull(clientCert);
        Objects.requireNonNull(clientKey);
        Objects.requireNonNull(topicPrefix);
        Objects.requireNonNull(discoveryPrefix);
        Objects.requireNonNull(revocationsTopic);
    }

    /** Whether Home Assistant discovery is published. */
    public boolean discovery() {
        return !discoveryPrefix.isEmpty();
    }
}
