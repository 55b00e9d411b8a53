package org.latchkey.mqtt;

import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;

import org.latchkey.config.MqttSettings;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the door reaches its broker: address, TLS and credentials, the same for the bridge and the
 * check.
 */
final class Connection {
    private Connection() {}

    static Mqtt5ClientBuilder builder(
            MqttSettings settings,
            Optional<String> password,
            Optional<TrustManagerFactory> trust,
            Optional<KeyManagerFactory> identity) {
        Mqtt5ClientBuilder b =
                Mqtt5Client.builder()
                        .identifier(settings.clientId())
                        .serverHost(settings.host())
                        .serverPort(settings.port());
        if (settings.tls()) {
            var ssl = b.sslConfig().protocols(List.of("TLSv1.3", "TLSv1.2"));
            trust.ifPresent(ssl::trustManagerFactory);
            identity.ifPresent(ssl::keyManagerFactory);
            // No hostnameVerifier: the client then checks the broker's name (HTTPS rules).
            b = ssl.handshakeTimeout(10, TimeUnit.SECONDS).applySslConfig();
        }
        if (settings.username().isPresent()) {
            var auth = b.simpleAuth().username(settings.username().get());
            if (password.isPresent()) {
                auth = auth.password(password.get().getBytes(StandardCharsets.UTF_8));
            }
            b = auth.applySimpleAuth();
        }
        return b;
    }
}
