package org.latchkey.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.latchkey.mqtt.wire.Packets;
import org.latchkey.mqtt.wire.TestFrames;

/**
 * The door's MQTT decoder on any bytes a broker (or whoever controls it) could send: every packet
 * decodes or is a protocol error (never another exception), never allocates past the packet limit,
 * and a message's topic and response topic, when accepted, are ones the door can act on.
 */
class MqttPacketFuzzTest {
    @FuzzTest
    void packets(byte[] input) {
        for (TestFrames.Frame f : TestFrames.split(input, 64 * 1024)) {
            try {
                Packets.Incoming p = Packets.decode(f.first(), f.body());
                if (p instanceof Packets.Publish m && m.problems().isEmpty()) {
                    assertTrue(!m.topic().isEmpty() && m.topic().length() <= Packets.MAX_TOPIC);
                    assertTrue(m.topic().indexOf('#') < 0 && m.topic().indexOf('+') < 0);
                    m.responseTopic()
                            .ifPresent(
                                    t ->
                                            assertTrue(
                                                    t.indexOf('#') < 0
                                                            && t.indexOf('+') < 0
                                                            && !t.contains("//"),
                                                    t));
                }
            } catch (Packets.ProtocolError e) {
                // refused whole: the connection would end, the door stays locked
            }
        }
    }
}
