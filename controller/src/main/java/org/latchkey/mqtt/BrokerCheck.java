package org.latchkey.mqtt;

import org.latchkey.config.MqttSettings;
import org.latchkey.mqtt.wire.Packets;
import org.latchkey.mqtt.wire.ReasonCodes;
import org.latchkey.mqtt.wire.Session;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@code latchkey mqtt check}: the way to the broker one step at a time (name, TCP, TLS and the
 * broker's certificate, authentication, subscribe, publish), each with what it found or why it
 * failed. Stops at the first failure: the later steps could only fail for the same reason.
 */
public final class BrokerCheck {
    /** One step's result. */
    public record Step(String name, boolean ok, String detail) {}

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private BrokerCheck() {}

    /** Runs the steps, reporting each; true when every one passed. */
    public static boolean run(MqttSettings s, Consumer<Step> out) {
        Optional<TrustManagerFactory> trust;
        Optional<KeyManagerFactory> identity;
        Connection connection;
        try {
            trust = BrokerTls.trust(s);
            identity = BrokerTls.identity(s);
            connection = Connection.of(s);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            out.accept(new Step("files", false, e.getMessage()));
            return false;
        }
        out.accept(
                new Step(
                        "config",
                        true,
                        s.url()
                                + " as client "
                                + s.clientId()
                                + s.username().map(u -> ", user " + u).orElse(", no user")
                                + (s.tls()
                                        ? s.caFile()
                                                .map(c -> ", CA " + c)
                                                .orElse(", the system's CAs")
                                        : ", no TLS")));
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(s.host());
            out.accept(
                    new Step(
                            "dns",
                            true,
                            s.host()
                                    + " → "
                                    + String.join(
                                            ", ",
                                            Arrays.stream(addresses)
                                                    .map(InetAddress::getHostAddress)
                                                    .toList())));
        } catch (UnknownHostException e) {
            out.accept(new Step("dns", false, s.host() + " does not resolve"));
            return false;
        }
        try (Socket tcp = new Socket()) {
            tcp.connect(new InetSocketAddress(addresses[0], s.port()), (int) TIMEOUT.toMillis());
            out.accept(
                    new Step(
                            "tcp",
                            true,
                            "connected to " + addresses[0].getHostAddress() + ":" + s.port()));
        } catch (IOException e) {
            out.accept(
                    new Step(
                            "tcp",
                            false,
                            "cannot connect to "
                                    + addresses[0].getHostAddress()
                                    + ":"
                                    + s.port()
                                    + " ("
                                    + e.getMessage()
                                    + "): is the broker running, is the port open?"));
            return false;
        }
        if (s.tls() && !tls(s, trust, identity, out)) {
            return false;
        }
        Session client;
        try {
            client =
                    Session.open(
                            connection.endpoint(),
                            connection.connect(s.clientId() + "-check", 10, Optional.empty()),
                            new Session.Listener() {
                                @Override
                                public void message(Packets.Publish message) {}

                                @Override
                                public void closed(String why, Optional<Throwable> cause) {}
                            },
                            "latchkey-mqtt-check");
            out.accept(
                    new Step(
                            "auth",
                            true,
                            "accepted"
                                    + s.username().map(u -> " as " + u).orElse("")
                                    + " (MQTT 5, "
                                    + ReasonCodes.describe(client.connAck().reasonCode())
                                    + ")"));
        } catch (IOException e) {
            out.accept(new Step("auth", false, Problems.describe(e, s)));
            return false;
        }
        try (client) {
            return subscribe(s, client, out) && publish(s, client, out);
        }
    }

    private static boolean tls(
            MqttSettings s,
            Optional<TrustManagerFactory> trust,
            Optional<KeyManagerFactory> identity,
            Consumer<Step> out) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(
                    identity.map(KeyManagerFactory::getKeyManagers).orElse(null),
                    trust.map(TrustManagerFactory::getTrustManagers).orElse(null),
                    null);
            try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(s.host(), s.port()), (int) TIMEOUT.toMillis());
                socket.setSoTimeout((int) TIMEOUT.toMillis());
                SSLParameters p = socket.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // the broker's name, checked
                if (!s.host().matches("[0-9.]+|.*:.*")) {
                    p.setServerNames(List.of(new SNIHostName(s.host())));
                }
                socket.setSSLParameters(p);
                socket.startHandshake();
                Certificate[] chain = socket.getSession().getPeerCertificates();
                X509Certificate c = (X509Certificate) chain[0];
                out.accept(
                        new Step(
                                "tls",
                                true,
                                socket.getSession().getProtocol()
                                        + "; the broker's certificate "
                                        + c.getSubjectX500Principal().getName()
                                        + names(c)
                                        + ", issued by "
                                        + c.getIssuerX500Principal().getName()
                                        + ", valid until "
                                        + c.getNotAfter().toInstant()
                                        + ", verified for "
                                        + s.host()));
                return true;
            }
        } catch (SSLException e) {
            out.accept(
                    new Step(
                            "tls",
                            false,
                            "the broker's certificate did not verify for "
                                    + s.host()
                                    + " against "
                                    + s.caFile()
                                            .map(f -> "ca_file " + f)
                                            .orElse("the system's trust store")
                                    + ": "
                                    + e.getMessage()));
            return false;
        } catch (IOException | GeneralSecurityException e) {
            out.accept(new Step("tls", false, e.getMessage()));
            return false;
        }
    }

    private static String names(X509Certificate c) {
        try {
            var sans = c.getSubjectAlternativeNames();
            if (sans == null) {
                return " (no alternative names)";
            }
            List<String> names = new ArrayList<>();
            sans.forEach(n -> names.add(String.valueOf(n.get(1))));
            return " (names " + String.join(", ", names) + ")";
        } catch (CertificateParsingException e) {
            return "";
        }
    }

    private static boolean subscribe(MqttSettings s, Session client, Consumer<Step> out) {
        MqttTopics t = MqttTopics.of(s);
        List<String> filters = new ArrayList<>(List.of(t.command(), t.present(), t.mode()));
        t.discoveryStatus().ifPresent(filters::add);
        t.revocations().ifPresent(filters::add);
        t.revocations().ifPresent(r -> filters.add(r + "/+"));
        filters.add(t.probe());
        List<Integer> codes;
        try {
            codes =
                    client.subscribe(
                                    filters.stream()
                                            .map(f -> new Packets.Subscription(f, true))
                                            .toList())
                            .get(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            out.accept(new Step("subscribe", false, "no answer to SUBSCRIBE: " + e.getMessage()));
            return false;
        }
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < filters.size() && i < codes.size(); i++) {
            if (ReasonCodes.refused(codes.get(i))) {
                refused.add(filters.get(i) + " (" + ReasonCodes.describe(codes.get(i)) + ")");
            }
        }
        if (!refused.isEmpty()) {
            out.accept(
                    new Step(
                            "subscribe",
                            false,
                            "the broker refused "
                                    + String.join(", ", refused)
                                    + ": let user "
                                    + s.username().orElse("(anonymous)")
                                    + " read them in its ACL"));
            return false;
        }
        out.accept(new Step("subscribe", true, String.join(", ", filters)));
        return true;
    }

    private static boolean publish(MqttSettings s, Session client, Consumer<Step> out) {
        String topic = s.topicPrefix() + "/check";
        int code;
        try {
            code =
                    client.publish(
                                    topic,
                                    "latchkey mqtt check".getBytes(StandardCharsets.UTF_8),
                                    false,
                                    java.util.OptionalLong.of(10),
                                    Optional.empty())
                            .get(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            out.accept(
                    new Step(
                            "publish",
                            false,
                            "no acknowledgement on " + topic + ": " + e.getMessage()));
            return false;
        }
        if (ReasonCodes.refused(code)) {
            out.accept(
                    new Step(
                            "publish",
                            false,
                            "the broker refused a message on "
                                    + topic
                                    + " ("
                                    + ReasonCodes.describe(code)
                                    + "): let user "
                                    + s.username().orElse("(anonymous)")
                                    + " write "
                                    + s.topicPrefix()
                                    + "/# (and "
                                    + s.discoveryPrefix()
                                    + "/# for discovery) in its ACL"));
            return false;
        }
        out.accept(new Step("publish", true, topic + " (acknowledged)"));
        return true;
    }
}
