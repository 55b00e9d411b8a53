package org.latchkey.mqtt;

import org.latchkey.config.MqttSettings;
import org.latchkey.config.PemFiles;
import org.latchkey.mqtt.wire.Packets;
import org.latchkey.mqtt.wire.Session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the door reaches its broker — address, TLS and credentials — read once from the config's
 * files, the same for the bridge and the check.
 */
record Connection(Session.Endpoint endpoint, Optional<String> username, Optional<byte[]> password) {
    /** A door sends a few small messages a minute, and takes tokens of at most 4 KiB. */
    static final int MAX_PACKET = 64 * 1024;

    /** QoS 1 messages the broker may have in flight to the door at once. */
    static final int RECEIVE_MAXIMUM = 32;

    /** The door's own: whatever the broker, read from the config's files. */
    static Connection of(MqttSettings s) throws GeneralSecurityException {
        Optional<String> password = s.passwordFile().map(PemFiles::secret);
        Optional<SSLContext> tls = Optional.empty();
        if (s.tls()) {
            Optional<TrustManagerFactory> trust = BrokerTls.trust(s);
            Optional<KeyManagerFactory> identity = BrokerTls.identity(s);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(
                    identity.map(KeyManagerFactory::getKeyManagers).orElse(null),
                    trust.map(TrustManagerFactory::getTrustManagers).orElse(null),
                    null);
            tls = Optional.of(ctx);
        }
        return new Connection(
                new Session.Endpoint(s.host(), s.port(), tls),
                s.username(),
                password.map(p -> p.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * CONNECT as this door: a clean session that ends with the connection, the given will (the
     * availability topic's {@code offline}).
     */
    Packets.Connect connect(String clientId, int keepAliveSeconds, Optional<Packets.Will> will) {
        return new Packets.Connect(
                clientId, keepAliveSeconds, RECEIVE_MAXIMUM, MAX_PACKET, username, password, will);
    }
}
