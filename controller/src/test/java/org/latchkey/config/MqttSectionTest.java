package org.latchkey.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.latchkey.testing.Mosquitto;
import org.latchkey.testing.TestCa;
import org.latchkey.testing.TestDoor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/** The [mqtt] section: defaults, and every refusal with the key it names. */
class MqttSectionTest {
    @TempDir Path dir;

    private DeviceConfig load(String mqtt) throws Exception {
        return DeviceConfigLoader.load(TestDoor.config().table("[mqtt]\n" + mqtt).write(dir));
    }

    private String refusal(String mqtt) {
        return assertThrows(ConfigException.class, () -> load(mqtt)).getMessage();
    }

    @Test
    void absent_theBridgeIsOff() throws Exception {
        assertEquals(
                Optional.empty(), DeviceConfigLoader.load(TestDoor.config().write(dir)).mqtt());
    }

    @Test
    void defaults_followTheLockId() throws Exception {
        MqttSettings m = load("url = \"mqtts://broker.lan\"\n").mqtt().orElseThrow();
        assertEquals("broker.lan", m.host());
        assertEquals(8883, m.port());
        assertTrue(m.tls());
        assertEquals("latchkey-front-door", m.clientId());
        assertEquals("latchkey/front-door", m.topicPrefix());
        assertEquals("homeassistant", m.discoveryPrefix());
        assertTrue(m.remoteLock());
        assertFalse(m.acceptTokens(), "tokens over MQTT only when asked for");
        assertEquals(Optional.empty(), m.revocationsTopic());
    }

    @ParameterizedTest
    @CsvSource({
        "mqtt://127.0.0.1, 1883",
        "mqtt://localhost:1884, 1884",
        "'mqtt://[::1]:1885', 1885",
        "mqtts://[fd00::1]:8884, 8884"
    })
    void plaintextToThisMachine_isAllowed(String url, int port) throws Exception {
        assertEquals(port, load("url = \"" + url + "\"\n").mqtt().orElseThrow().port());
    }

    @Test
    void plaintextToLocalhost_isDialledAs127001_neverLookedUp() throws Exception {
        assertEquals(
                "127.0.0.1", load("url = \"mqtt://localhost:1884\"\n").mqtt().orElseThrow().host());
        assertEquals(
                "localhost",
                load("url = \"mqtts://localhost\"\n").mqtt().orElseThrow().host(),
                "with TLS the name is kept: the broker's certificate is checked against it");
    }

    @Test
    void plaintextToAnotherHost_isRefusedAtLoad_unlessAllowed() throws Exception {
        String refused = refusal("url = \"mqtt://broker.lan\"\n");
        assertTrue(refused.contains("mqtt.url"), refused);
        assertTrue(refused.contains("in clear to broker.lan"), refused);
        assertTrue(refusal("url = \"mqtt://10.0.0.5:1883\"\n").contains("mqtts://"));
        assertFalse(
                load("url = \"mqtt://broker.lan\"\nallow_plaintext = true\n")
                        .mqtt()
                        .orElseThrow()
                        .tls());
    }

    @ParameterizedTest
    @CsvSource({
        "'http://broker.lan', 'must look like'",
        "'mqtts://', 'must look like'",
        "'mqtts://user:pw@broker.lan', 'holds credentials'",
        "'mqtts://broker.lan/path', 'must look like'",
        "'mqtts://broker.lan?x=1', 'must look like'",
        "'mqtts://bro ker', 'must look like'",
        "'mqtts://broker.lan:0', 'must look like'"
    })
    void badUrls_areRefused(String url, String why) {
        String refused = refusal("url = \"" + url + "\"\n");
        assertTrue(refused.contains(why), refused);
    }

    @ParameterizedTest
    @CsvSource({
        "topic_prefix, 'latchkey/+'",
        "topic_prefix, 'latchkey/#'",
        "topic_prefix, '/latchkey'",
        "topic_prefix, 'latchkey/'",
        "topic_prefix, 'latchkey//x'",
        "topic_prefix, '$SYS/x'",
        "discovery_prefix, 'home+assistant'",
        "revocations_topic, 'fleet/#'",
        "revocations_topic, ''"
    })
    void topicsWithWildcardsOrEmptyLevels_areRefused(String key, String topic) {
        String refused = refusal("url = \"mqtts://broker.lan\"\n" + key + " = \"" + topic + "\"\n");
        assertTrue(refused.contains("mqtt." + key), refused);
    }

    @Test
    void emptyDiscoveryPrefix_switchesDiscoveryOff() throws Exception {
        assertFalse(
                load("url = \"mqtts://broker.lan\"\ndiscovery_prefix = \"\"\n")
                        .mqtt()
                        .orElseThrow()
                        .discovery());
    }

    @Test
    void passwordFile_mustExist_beOwnerOnly_andNeedsAUsername() throws Exception {
        Path pw = Mosquitto.passwordFile(dir, "pw", "secret");
        assertTrue(
                refusal("url = \"mqtts://b\"\npassword_file = \"" + pw + "\"\n")
                        .contains("needs a username"));
        String missing =
                refusal(
                        "url = \"mqtts://b\"\nusername = \"door\"\npassword_file ="
                                + " \"nope\"\n");
        assertTrue(missing.contains("mqtt.password_file"), missing);
        assertTrue(missing.contains("does not exist"), missing);
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));
        String open =
                refusal(
                        "url = \"mqtts://b\"\nusername = \"door\"\npassword_file = \""
                                + pw
                                + "\"\n");
        assertTrue(open.contains("others may read"), open);
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r-----"));
        MqttSettings ok =
                load("url = \"mqtts://b\"\nusername = \"door\"\npassword_file = \"pw\"\n")
                        .mqtt()
                        .orElseThrow();
        assertEquals(dir.resolve("pw"), ok.passwordFile().orElseThrow(), "relative to the config");
        assertFalse(ok.toString().contains("secret"), "the password is never in the settings");
    }

    @Test
    void tlsFiles_areReadAtLoad() throws Exception {
        TestCa ca = TestCa.create("t");
        Path caFile = ca.writeCert(dir.resolve("ca.crt"));
        List<Path> client = ca.issue(dir, "client", "door", List.of(), List.of());
        Files.writeString(dir.resolve("junk.crt"), "not a certificate\n");
        assertTrue(
                refusal("url = \"mqtts://b\"\nca_file = \"junk.crt\"\n")
                        .contains("holds no certificate"));
        assertTrue(
                refusal("url = \"mqtt://127.0.0.1\"\nca_file = \"" + caFile + "\"\n")
                        .contains("needs an mqtts:// url"));
        assertTrue(
                refusal("url = \"mqtts://b\"\nclient_cert = \"" + client.get(0) + "\"\n")
                        .contains("needs both client_cert and client_key"));
        MqttSettings m =
                load("url = \"mqtts://b\"\nca_file = \"ca.crt\"\nclient_cert = \""
                                + client.get(0)
                                + "\"\nclient_key = \""
                                + client.get(1)
                                + "\"\n")
                        .mqtt()
                        .orElseThrow();
        assertEquals(caFile, m.caFile().orElseThrow());
        Files.setPosixFilePermissions(client.get(1), PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(
                refusal(
                                "url = \"mqtts://b\"\nclient_cert = \""
                                        + client.get(0)
                                        + "\"\nclient_key = \""
                                        + client.get(1)
                                        + "\"\n")
                        .contains("others may read"));
    }

    @Test
    void unknownKeys_areRefused_withTheKnownOnes() {
        String refused = refusal("url = \"mqtts://b\"\naccept_token = true\n");
        assertTrue(refused.contains("mqtt.accept_token"), refused);
        assertTrue(refused.contains("accept_tokens"), refused);
    }
}
