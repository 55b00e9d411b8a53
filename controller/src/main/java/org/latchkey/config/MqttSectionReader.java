package org.latchkey.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code [mqtt]} section. A plaintext URL to anything but this machine is refused here,
 * so the door never dials it; the files it names are read and checked now, so a typo shows at
 * {@code latchkey config check}, not at the first reconnect.
 */
final class MqttSectionReader {
    static final int TLS_PORT = 8883;
    static final int PLAIN_PORT = 1883;

    /** Topic names the door publishes under: no wildcards, no empty levels, no $SYS-like root. */
    private static final Pattern TOPIC =
            Pattern.compile("[^+#/$\\x00-\\x1f\\x7f][^+#\\x00-\\x1f\\x7f]{0,199}");

    private static final Pattern HOST =
            Pattern.compile(
                    "[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]{2,45}]");
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private MqttSectionReader() {}

    static Optional<MqttSettings> read(Optional<Section> section, String lockId, Path configDir)
            throws ConfigException {
        if (section.isEmpty()) {
            return Optional.empty();
        }
        Section s = section.get();
        s.requireOnly(
                Set.of(
                        "url",
                        "allow_plaintext",
                        "client_id",
                        "username",
                        "password_file",
                        "ca_file",
                        "client_cert",
                        "client_key",
                        "topic_prefix",
                        "discovery_prefix",
                        "remote_lock",
                        "accept_tokens",
                        "revocations_topic"));
        String url = s.string("url");
        URI uri = uri(s, url);
        boolean tls = uri.getScheme().equals("mqtts");
        String host = uri.getHost();
        int port = uri.getPort() == -1 ? (tls ? TLS_PORT : PLAIN_PORT) : uri.getPort();
        boolean allowPlaintext = s.bool("allow_plaintext", false);
        if (!tls && !allowPlaintext && host.equals("localhost")) {
            // In clear, "localhost" is dialled as 127.0.0.1: a name lookup could send the password
            // elsewhere (with TLS the broker's name is checked, so the name stays).
            host = "127.0.0.1";
        }
        if (!tls && !allowPlaintext && !isLoopback(host)) {
            throw s.error(
                    "url",
                    "mqtt:// would send the password and the door's events in clear to "
                            + host
                            + ": use mqtts:// (or set allow_plaintext = true for a network you"
                            + " trust)");
        }
        String clientId = s.optionalString("client_id").orElse("latchkey-" + lockId);
        if (!CLIENT_ID.matcher(clientId).matches()) {
            throw s.error("client_id", "must be 1–128 characters of A–Z a–z 0–9 . _ -");
        }
        Optional<String> username = s.optionalString("username");
        if (username.isPresent()
                && (username.get().isEmpty()
                        || username.get().length() > 256
                        || username.get().chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw s.error("username", "must be 1–256 printable characters");
        }
        Optional<Path> passwordFile = file(s, "password_file", configDir);
        if (passwordFile.isPresent() && username.isEmpty()) {
            throw s.error("password_file", "needs a username");
        }
        if (passwordFile.isPresent()) {
            check(s, "password_file", () -> PemFiles.secret(passwordFile.get()));
        }
        Optional<Path> caFile = file(s, "ca_file", configDir);
        Optional<Path> clientCert = file(s, "client_cert", configDir);
        Optional<Path> clientKey = file(s, "client_key", configDir);
        for (var named :
                java.util.List.of(
                        java.util.Map.entry("ca_file", caFile),
                        java.util.Map.entry("client_cert", clientCert),
                        java.util.Map.entry("client_key", clientKey))) {
            if (named.getValue().isPresent() && !tls) {
                throw s.error(named.getKey(), "needs an mqtts:// url");
            }
        }
        if (clientCert.isPresent() != clientKey.isPresent()) {
            throw s.error(
                    clientCert.isPresent() ? "client_key" : "client_cert",
                    "mutual TLS needs both client_cert and client_key");
        }
        if (caFile.isPresent()) {
            check(s, "ca_file", () -> PemFiles.certificates(caFile.get()));
        }
        if (clientCert.isPresent()) {
            check(s, "client_cert", () -> PemFiles.certificates(clientCert.get()));
            check(s, "client_key", () -> PemFiles.privateKey(clientKey.get()));
        }
        String topicPrefix = topic(s, "topic_prefix", "latchkey/" + lockId);
        String discoveryPrefix =
                s.optionalString("discovery_prefix").isPresent()
                                && s.optionalString("discovery_prefix").get().isEmpty()
                        ? ""
                        : topic(s, "discovery_prefix", "homeassistant");
        Optional<String> revocationsTopic =
                s.has("revocations_topic")
                        ? Optional.of(topic(s, "revocations_topic", ""))
                        : Optional.empty();
        return Optional.of(
                new MqttSettings(
                        url,
                        host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
                        port,
                        tls,
                        clientId,
                        username,
                        passwordFile,
                        caFile,
                        clientCert,
                        clientKey,
                        topicPrefix,
                        discoveryPrefix,
                        s.bool("remote_lock", true),
                        s.bool("accept_tokens", false),
                        revocationsTopic));
    }

    private static URI uri(Section s, String url) throws ConfigException {
        String shape = "must look like \"mqtts://broker.lan:8883\" (or mqtt:// to this machine)";
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw s.error("url", shape);
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("mqtts") || uri.getScheme().equals("mqtt"))
                || uri.getHost() == null
                || !HOST.matcher(uri.getHost()).matches()) {
            throw s.error("url", shape);
        }
        if (uri.getRawUserInfo() != null) {
            throw s.error(
                    "url",
                    "holds credentials: put the user in username and the password in"
                            + " password_file");
        }
        if ((uri.getRawPath() != null
                        && !uri.getRawPath().isEmpty()
                        && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || uri.getPort() == 0) {
            throw s.error("url", shape);
        }
        return uri;
    }

    /** This machine by name or address; no DNS is asked (a name could resolve anywhere). */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equals("localhost")
                || h.matches("127(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}")
                || h.equals("::1")
                || h.equalsIgnoreCase("0:0:0:0:0:0:0:1");
    }

    private static String topic(Section s, String key, String fallback) throws ConfigException {
        String t = s.optionalString(key).orElse(fallback);
        if (!TOPIC.matcher(t).matches() || t.endsWith("/") || t.contains("//")) {
            throw s.error(
                    key,
                    "'"
                            + t
                            + "' is not a topic like \"latchkey/front-door\": 1–200 characters, no"
                            + " + or #, no empty level, not starting with / or $");
        }
        return t;
    }

    private static Optional<Path> file(Section s, String key, Path configDir)
            throws ConfigException {
        Optional<String> text = s.optionalString(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.get().isEmpty()) {
            throw s.error(key, "is empty");
        }
        Path p = Path.of(text.get());
        return Optional.of(p.isAbsolute() ? p : configDir.resolve(p).normalize());
    }

    @FunctionalInterface
    private interface FileCheck {
        Object run();
    }

    private static void check(Section s, String key, FileCheck c) throws ConfigException {
        try {
            c.run();
        } catch (IllegalArgumentException e) {
            throw s.error(key, s.optionalString(key).orElse("") + " " + e.getMessage());
        }
    }
}
