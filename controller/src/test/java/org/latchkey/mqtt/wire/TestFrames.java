package org.latchkey.mqtt.wire;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Splits bytes into packets as the door's reader would (for tests and fuzzing). */
public final class TestFrames {
    /** One packet: the fixed header's first byte and the body. */
    public record Frame(int first, byte[] body) {}

    private TestFrames() {}

    /** The whole packets in {@code bytes}, until the end or the first framing error. */
    public static List<Frame> split(byte[] bytes, long maxPacket) {
        List<Frame> out = new ArrayList<>();
        Session.FrameReader reader =
                new Session.FrameReader(new ByteArrayInputStream(bytes), maxPacket);
        while (true) {
            try {
                Session.Frame f = reader.next();
                out.add(new Frame(f.first(), f.body()));
            } catch (IOException | Packets.ProtocolError e) {
                return out;
            }
        }
    }
}
