package org.latchkey.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real mosquitto for tests, on free loopback ports, started as a child of the test JVM and
 * stopped after: a TLS listener with a password file and an ACL (certificates from a {@link
 * TestCa}), a TLS listener that also demands a client certificate, and a plaintext listener on
 * 127.0.0.1. Users: {@code door} (the door's own topics and Home Assistant's discovery), {@code
 * hass} (everything), {@code intruder} (nothing). Skips the test, naming the package, when
 * mosquitto is not installed.
 */
public final class Mosquitto implements AutoCloseable {
    public static final String DOOR_USER = "door";
    public static final String DOOR_PASSWORD = "door-secret-1";
    public static final String HASS_USER = "hass";
    public static final String HASS_PASSWORD = "hass-secret-2";

    /** A door whose ACL forgot its probe topic (latchkey/+/probe denied). */
    public static final String NO_PROBE_USER = "door-no-probe";

    /** A door whose ACL lets it publish its probe but not read it: SUBACK granted, no delivery. */
    public static final String WRITE_ONLY_PROBE_USER = "door-write-only-probe";

    public static final String INTRUDER_USER = "intruder";
    public static final String INTRUDER_PASSWORD = "intruder-secret-3";

    private final Path dir;
    private final Path config;
    private final int tlsPort;
    private final int mtlsPort;
    private final int plainPort;
    private final TestCa ca;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private Process process;

    private Mosquitto(Path dir, TestCa ca, int tlsPort, int mtlsPort, int plainPort, Path config) {
        this.dir = dir;
        this.ca = ca;
        this.tlsPort = tlsPort;
        this.mtlsPort = mtlsPort;
        this.plainPort = plainPort;
        this.config = config;
    }

    /**
     * Writes certificates, password and ACL files and the config into {@code dir}, and starts the
     * broker.
     *
     * <p>The door may read and write under {@code latchkey/}, write under {@code homeassistant/}
     * and read {@code homeassistant/status}.
     */
    public static Mosquitto start(Path dir) throws IOException {
        OsTools.require("mosquitto", "mosquitto");
        Path passwd = OsTools.require("mosquitto_passwd", "mosquitto");
        TestCa ca = TestCa.create("latchkey test CA");
        ca.writeCert(dir.resolve("ca.crt"));
        ca.issue(dir, "server", "localhost", List.of("localhost"), List.of("127.0.0.1"));
        ca.issue(dir, "client", "door", List.of(), List.of());
        Path passwords = dir.resolve("passwd");
        run(passwd.toString(), "-b", "-c", passwords.toString(), DOOR_USER, DOOR_PASSWORD);
        run(passwd.toString(), "-b", passwords.toString(), HASS_USER, HASS_PASSWORD);
        run(passwd.toString(), "-b", passwords.toString(), INTRUDER_USER, INTRUDER_PASSWORD);
        run(passwd.toString(), "-b", passwords.toString(), NO_PROBE_USER, DOOR_PASSWORD);
        run(passwd.toString(), "-b", passwords.toString(), WRITE_ONLY_PROBE_USER, DOOR_PASSWORD);
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        Path acl = dir.resolve("acl");
        Files.writeString(
                acl,
                "user "
                        + DOOR_USER
                        + "\n"
                        + "topic readwrite latchkey/#\n"
                        + "topic write homeassistant/#\n"
                        + "topic read homeassistant/status\n\n"
                        + "user "
                        + HASS_USER
                        + "\n"
                        + "topic readwrite #\n\n"
                        + "user "
                        + INTRUDER_USER
                        + "\n"
                        + "topic read nothing/#\n\n"
                        + "user "
                        + NO_PROBE_USER
                        + "\n"
                        + "topic deny latchkey/+/probe\n"
                        + "topic readwrite latchkey/#\n\n"
                        + "user "
                        + WRITE_ONLY_PROBE_USER
                        + "\n"
                        + "topic write latchkey/+/probe\n"
                        + "topic readwrite latchkey/+/availability\n"
                        + "topic readwrite latchkey/+/state\n"
                        + "topic readwrite latchkey/+/events\n"
                        + "topic readwrite latchkey/+/last_access\n"
                        + "topic readwrite latchkey/+/command\n"
                        + "topic readwrite latchkey/+/present\n"
                        + "topic readwrite latchkey/+/mode\n"
                        + "topic readwrite latchkey/+/result\n");
        Files.setPosixFilePermissions(acl, PosixFilePermissions.fromString("rw-------"));
        int tls = freePort();
        int mtls = freePort();
        int plain = freePort();
        String tlsFiles =
                "cafile "
                        + dir.resolve("ca.crt")
                        + "\ncertfile "
                        + dir.resolve("server.crt")
                        + "\nkeyfile "
                        + dir.resolve("server.key")
                        + "\n";
        String auth =
                "allow_anonymous false\npassword_file " + passwords + "\nacl_file " + acl + "\n";
        Path config = dir.resolve("mosquitto.conf");
        Files.writeString(
                config,
                // As root it would drop to the mosquitto user before reading the 0600 files.
                "user root\n"
                        + "per_listener_settings true\n"
                        + "persistence false\n"
                        + "log_dest stderr\n"
                        + "log_type error\n"
                        + "log_type warning\n"
                        + "log_type notice\n"
                        + "log_type information\n"
                        + "\n"
                        + "listener "
                        + tls
                        + " 127.0.0.1\n"
                        + tlsFiles
                        + auth
                        + "\nlistener "
                        + mtls
                        + " 127.0.0.1\n"
                        + tlsFiles
                        + "require_certificate true\n"
                        + auth
                        + "\nlistener "
                        + plain
                        + " 127.0.0.1\n"
                        + auth);
        Mosquitto m = new Mosquitto(dir, ca, tls, mtls, plain, config);
        m.launch();
        return m;
    }

    private void launch() throws IOException {
        Process p =
                new ProcessBuilder("mosquitto", "-c", config.toString())
                        .redirectErrorStream(true)
                        .start();
        CompletableFuture<Void> running = new CompletableFuture<>();
        Thread.ofPlatform()
                .daemon()
                .name("mosquitto-log")
                .start(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    p.getInputStream(), StandardCharsets.UTF_8))) {
                                for (String line = r.readLine();
                                        line != null;
                                        line = r.readLine()) {
                                    log.add(line);
                                    if (line.matches(".*mosquitto version \\S+ running.*")) {
                                        running.complete(null);
                                    }
                                }
                            } catch (IOException e) {
                                // the broker is gone
                            }
                            running.completeExceptionally(
                                    new IOException("mosquitto exited: " + String.join("\n", log)));
                        });
        try {
            running.get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("mosquitto did not start: " + String.join("\n", log), e);
        }
        process = p;
    }

    /** Stops the broker as a crash would (SIGKILL): no goodbye to its clients. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts it again on the same ports with the same files. */
    public void restart() throws IOException {
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    public int tlsPort() {
        return tlsPort;
    }

    public int mtlsPort() {
        return mtlsPort;
    }

    public int plainPort() {
        return plainPort;
    }

    public Path caFile() {
        return dir.resolve("ca.crt");
    }

    public Path clientCert() {
        return dir.resolve("client.crt");
    }

    public Path clientKey() {
        return dir.resolve("client.key");
    }

    public TestCa ca() {
        return ca;
    }

    /** Everything the broker logged so far. */
    public List<String> log() {
        return List.copyOf(log);
    }

    /** A file holding {@code password} with mode 600, for a config's password_file. */
    public static Path passwordFile(Path dir, String name, String password) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, password + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private static void run(String... command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(Duration.ofSeconds(10).toSeconds(), TimeUnit.SECONDS)
                    || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
