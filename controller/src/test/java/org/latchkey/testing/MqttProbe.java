package org.latchkey.testing;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import javax.net.ssl.TrustManagerFactory;

/**
 * Another client on the test broker (Home Assistant, a fleet's backend, an attacker with broker
 * access): subscribes, keeps every message it receives, publishes with the MQTT 5 options the door
 * cares about.
 */
public final class MqttProbe implements AutoCloseable {
    /** A message as received. */
    public record Received(String topic, String payload, boolean retained, OptionalLong expiry) {}

    private final Mqtt5BlockingClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private MqttProbe(Mqtt5BlockingClient client) {
        this.client = client;
    }

    /** TLS trusting the test broker's CA. */
    public static javax.net.ssl.SSLContext tls(Mosquitto broker) throws Exception {
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(broker.caFile())) {
            ks.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        tmf.init(ks);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Connects over TLS to the broker's first listener as {@code user}. */
    public static MqttProbe connect(Mosquitto broker, String user, String password)
            throws Exception {
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(broker.caFile())) {
            ks.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        tmf.init(ks);
        Mqtt5BlockingClient c =
                Mqtt5Client.builder()
                        .identifier("probe-" + user + "-" + System.nanoTime())
                        .serverHost("localhost")
                        .serverPort(broker.tlsPort())
                        .sslConfig()
                        .trustManagerFactory(tmf)
                        .applySslConfig()
                        .simpleAuth()
                        .username(user)
                        .password(password.getBytes(StandardCharsets.UTF_8))
                        .applySimpleAuth()
                        .buildBlocking();
        MqttProbe probe = new MqttProbe(c);
        c.toAsync()
                .publishes(
                        MqttGlobalPublishFilter.ALL,
                        p ->
                                probe.received.add(
                                        new Received(
                                                p.getTopic().toString(),
                                                new String(
                                                        p.getPayloadAsBytes(),
                                                        StandardCharsets.UTF_8),
                                                p.isRetain(),
                                                p.getMessageExpiryInterval())));
        c.connect();
        return probe;
    }

    public MqttProbe subscribe(String filter) {
        client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
        return this;
    }

    /** Publishes at QoS 1; {@code expirySeconds} 0 means no expiry. */
    public void publish(String topic, String payload, boolean retain, long expirySeconds) {
        Mqtt5PublishBuilder.Complete b =
                Mqtt5Publish.builder()
                        .topic(topic)
                        .payload(payload.getBytes(StandardCharsets.UTF_8))
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .retain(retain);
        if (expirySeconds > 0) {
            b = b.messageExpiryInterval(expirySeconds);
        }
        client.publish(b.build());
    }

    /** Publishes with a response topic, as a backend that wants the answer would. */
    public void request(String topic, String payload, String responseTopic, long expirySeconds) {
        client.publish(
                Mqtt5Publish.builder()
                        .topic(topic)
                        .payload(payload.getBytes(StandardCharsets.UTF_8))
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .messageExpiryInterval(expirySeconds)
                        .responseTopic(responseTopic)
                        .correlationData("req-1".getBytes(StandardCharsets.UTF_8))
                        .build());
    }

    /** Removes a retained message. */
    public void clearRetained(String topic) {
        client.publish(
                Mqtt5Publish.builder()
                        .topic(topic)
                        .payload(new byte[0])
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .retain(true)
                        .build());
    }

    /** Everything received so far on {@code topic}. */
    public List<Received> on(String topic) {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            if (r.topic().equals(topic)) {
                out.add(r);
            }
        }
        return out;
    }

    public List<Received> all() {
        return List.copyOf(received);
    }

    /**
     * Waits (bounded) for a message on {@code topic} matching {@code wanted}, received at or after
     * index {@code from} of that topic's messages.
     */
    public Received await(String topic, int from, Predicate<String> wanted, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            List<Received> got = on(topic);
            for (int i = from; i < got.size(); i++) {
                if (wanted.test(got.get(i).payload())) {
                    return got.get(i);
                }
            }
            Thread.sleep(10); // polling a real broker's deliveries, bounded by the timeout
        }
        throw new AssertionError(
                "no matching message on " + topic + " within " + timeout + "; got: " + on(topic));
    }

    public Optional<Received> last(String topic) {
        List<Received> got = on(topic);
        return got.isEmpty() ? Optional.empty() : Optional.of(got.get(got.size() - 1));
    }

    @Override
    public void close() {
        try {
            client.disconnect();
        } catch (RuntimeException e) {
            // already gone with the broker
        }
    }

    /** A path string, for configs. */
    public static String toml(Path p) {
        return p.toString().replace("\\", "\\\\");
    }
}
