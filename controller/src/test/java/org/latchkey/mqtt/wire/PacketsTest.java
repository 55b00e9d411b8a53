package org.latchkey.mqtt.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The door's own MQTT 5 encoding and decoding, on their own. */
class PacketsTest {
    private static Packets.Incoming decode(byte[] packet) throws Exception {
        TestFrames.Frame f = TestFrames.split(packet, 1 << 20).get(0);
        return Packets.decode(f.first(), f.body());
    }

    @Property
    void aPublishReadsBackAsItWasWritten(
            @ForAll @AlphaChars @StringLength(min = 1, max = 40) String level,
            @ForAll byte[] payload,
            @ForAll @IntRange(min = 0, max = 1) int qos,
            @ForAll boolean retain,
            @ForAll @LongRange(min = 0, max = 0xFFFFFFFFL) long expiry,
            @ForAll byte[] correlation)
            throws Exception {
        String topic = "latchkey/" + level + "/present";
        byte[] packet =
                Packets.publish(
                        topic,
                        payload,
                        qos,
                        retain,
                        qos == 1 ? 7 : 0,
                        OptionalLong.of(expiry),
                        Optional.of(correlation));
        Packets.Publish p = (Packets.Publish) decode(packet);
        assertEquals(topic, p.topic());
        assertArrayEquals(payload, p.payload());
        assertEquals(qos, p.qos());
        assertEquals(retain, p.retain());
        assertEquals(OptionalLong.of(expiry), p.messageExpiry());
        assertArrayEquals(correlation, p.correlationData().orElseThrow());
        assertEquals(List.of(), p.problems());
    }

    @net.jqwik.api.Example
    void whatTheDoorCannotActOn_isAProblemOfTheMessage_notOfTheConnection() throws Exception {
        for (String bad :
                List.of("a/result/#", "a/result/+", "a//b", "a/b/", "", "x".repeat(300))) {
            Packets.Writer props = new Packets.Writer().u8(0x08).utf8(bad);
            byte[] packet =
                    new Packets.Writer()
                            .utf8("latchkey/d/present")
                            .u16(1)
                            .properties(props)
                            .raw(new byte[] {'t'})
                            .packet(Packets.PUBLISH, 2);
            Packets.Publish p = (Packets.Publish) decode(packet);
            assertTrue(p.responseTopic().isEmpty(), bad);
            assertTrue(p.problems().get(0).startsWith("response topic: "), p.problems().toString());
        }
        byte[] unknownProperty =
                new Packets.Writer()
                        .utf8("a/b")
                        .properties(new Packets.Writer().u8(0x7F).u8(0))
                        .packet(Packets.PUBLISH, 0);
        assertTrue(
                ((Packets.Publish) decode(unknownProperty)).problems().get(0).contains("unknown"));
    }

    @net.jqwik.api.Example
    void brokenFraming_orQos2_isAProtocolError() {
        byte[] shortTopic = {0x30, 0x03, 0x00, 0x09, 'a'};
        assertThrows(Packets.ProtocolError.class, () -> decode(shortTopic));
        byte[] qos2 =
                new Packets.Writer().utf8("a").u16(1).properties(new Packets.Writer()).packet(3, 4);
        assertThrows(Packets.ProtocolError.class, () -> decode(qos2));
        assertEquals(
                List.of(),
                TestFrames.split(
                        new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                        1 << 20));
    }
}
