package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.testing.Mosquitto;
import org.latchkey.testing.TestCa;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code latchkey init --mqtt …} and {@code latchkey mqtt check} against a real mosquitto. */
class MqttCheckTest {
    @TempDir static Path brokerDir;
    static Mosquitto broker;

    @TempDir Path dir;
    final CliRun cli = new CliRun();

    @BeforeAll
    static void broker() throws Exception {
        broker = Mosquitto.start(brokerDir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private Path init(String password, Path ca, int port) throws Exception {
        Path pw = Mosquitto.passwordFile(dir, "mqtt-password", password);
        CliRun.Result r =
                cli.run(
                        "init",
                        "--config-dir",
                        dir.resolve("door").toString(),
                        "--lock-id",
                        "front-door",
                        "--driver",
                        "simulated",
                        "--no-passphrase",
                        "--mqtt",
                        "mqtts://localhost:" + port,
                        "--mqtt-username",
                        Mosquitto.DOOR_USER,
                        "--mqtt-password-file",
                        pw.toString(),
                        "--mqtt-ca-file",
                        ca.toString());
        assertEquals(0, r.code(), r.err());
        return dir.resolve("door/latchkey.toml");
    }

    @Test
    void init_fillsTheMqttSection_andCheck_passesEveryStep() throws Exception {
        Path config = init(Mosquitto.DOOR_PASSWORD, broker.caFile(), broker.tlsPort());
        String text = Files.readString(config);
        assertTrue(text.contains("[mqtt]"), text);
        assertTrue(text.contains("accept_tokens = false"), text);
        CliRun.Result check = cli.run("mqtt", "check", "--config", config.toString());
        assertEquals(0, check.code(), check.out() + check.err());
        for (String step :
                new String[] {"config", "dns", "tcp", "tls", "auth", "subscribe", "publish"}) {
            assertTrue(
                    check.out().matches("(?s).*ok\\s+" + step + "\\b.*"),
                    step + ":\n" + check.out());
        }
        assertTrue(check.out().contains("verified for localhost"), check.out());
        assertFalse(check.out().contains(Mosquitto.DOOR_PASSWORD), "never the password");
    }

    @Test
    void check_wrongPassword_failsAtAuth_sayingWhy() throws Exception {
        Path config = init("not-the-password", broker.caFile(), broker.tlsPort());
        CliRun.Result check = cli.run("mqtt", "check", "--config", config.toString());
        assertEquals(1, check.code());
        assertTrue(check.out().contains("FAIL  auth"), check.out());
        assertTrue(check.out().contains("refused the credentials"), check.out());
    }

    @Test
    void check_wrongCa_failsAtTls_sayingWhy() throws Exception {
        Path other = TestCa.create("someone else").writeCert(dir.resolve("other.crt"));
        Path config = init(Mosquitto.DOOR_PASSWORD, other, broker.tlsPort());
        CliRun.Result check = cli.run("mqtt", "check", "--config", config.toString());
        assertEquals(1, check.code());
        assertTrue(check.out().contains("FAIL  tls"), check.out());
        assertTrue(check.out().contains("did not verify for localhost"), check.out());
    }

    @Test
    void check_nothingListening_failsAtTcp() throws Exception {
        int closed;
        try (var s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path config = init(Mosquitto.DOOR_PASSWORD, broker.caFile(), closed);
        CliRun.Result check = cli.run("mqtt", "check", "--config", config.toString());
        assertEquals(1, check.code());
        assertTrue(check.out().contains("FAIL  tcp"), check.out());
    }

    @Test
    void init_withAPlaintextUrlToAnotherHost_writesNothing() {
        CliRun.Result r =
                cli.run(
                        "init",
                        "--config-dir",
                        dir.resolve("door").toString(),
                        "--lock-id",
                        "front-door",
                        "--driver",
                        "simulated",
                        "--no-passphrase",
                        "--mqtt",
                        "mqtt://broker.lan");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("in clear to broker.lan"), r.err());
        assertFalse(Files.exists(dir.resolve("door")), "nothing written");
    }
}
