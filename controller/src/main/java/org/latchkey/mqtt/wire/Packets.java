package org.latchkey.mqtt.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * MQTT 5 packets, the few a door needs (OASIS MQTT Version 5.0): what it sends, encoded, and what a
 * broker sends it, decoded.
 *
 * <p>Decoding is strict about framing (a packet whose lengths do not add up is a protocol error,
 * and the connection ends) and lenient about a PUBLISH's content: a topic or a property the door
 * cannot accept — a response topic with wildcards, a string that is not UTF-8 — is reported with
 * the message as a {@link Publish#problems() problem}, and the message is refused by the door,
 * while the connection and every other message go on. (A client that dropped the connection over
 * such a message left the door deaf: docs/assurance.md, third review, finding 2.)
 */
public final class Packets {
    private Packets() {}

    static final int CONNECT = 1;
    static final int CONNACK = 2;
    static final int PUBLISH = 3;
    static final int PUBACK = 4;
    static final int PUBREC = 5;
    static final int PUBREL = 6;
    static final int PUBCOMP = 7;
    static final int SUBSCRIBE = 8;
    static final int SUBACK = 9;
    static final int UNSUBACK = 11;
    static final int PINGREQ = 12;
    static final int PINGRESP = 13;
    static final int DISCONNECT = 14;
    static final int AUTH = 15;

    /** The longest topic the door accepts from a broker (its own are far shorter). */
    public static final int MAX_TOPIC = 256;

    /** The framing or a required part of a packet is wrong: the connection cannot go on. */
    public static final class ProtocolError extends Exception {
        public ProtocolError(String message) {
            super(message);
        }
    }

    /** A packet from the broker. */
    public sealed interface Incoming {}

    /**
     * @param reasonCode 0 success; 0x80 and above a refusal
     * @param receiveMaximum how many QoS 1 messages the broker takes unacknowledged
     * @param serverKeepAlive the broker's own keep-alive, when it sets one
     * @param maximumPacketSize the broker's limit, when it sets one
     */
    public record ConnAck(
            boolean sessionPresent,
            int reasonCode,
            Optional<String> reasonString,
            int receiveMaximum,
            OptionalInt serverKeepAlive,
            OptionalLong maximumPacketSize)
            implements Incoming {}

    /**
     * A message. {@code problems} lists what the door cannot accept in it (empty: all is well); a
     * property with a problem is left out.
     */
    public record Publish(
            String topic,
            byte[] payload,
            int qos,
            boolean retain,
            int packetId,
            OptionalLong messageExpiry,
            Optional<String> responseTopic,
            Optional<byte[]> correlationData,
            List<String> problems)
            implements Incoming {}

    public record PubAck(int packetId, int reasonCode) implements Incoming {}

    public record SubAck(int packetId, List<Integer> reasonCodes) implements Incoming {}

    public record PingResp() implements Incoming {}

    public record Disconnect(int reasonCode, Optional<String> reasonString) implements Incoming {}

    /** One subscription: a filter, QoS 1, and whether the broker may send our own messages back. */
    public record Subscription(String filter, boolean noLocal) {}

    // ---- decoding

    /**
     * Decodes one packet's body.
     *
     * @param first the fixed header's first byte (type and flags)
     */
    public static Incoming decode(int first, byte[] body) throws ProtocolError {
        int type = first >>> 4;
        int flags = first & 0x0F;
        Reader r = new Reader(body);
        return switch (type) {
            case CONNACK -> connAck(r);
            case PUBLISH -> publish(flags, r);
            case PUBACK -> {
                int id = r.u16();
                int reason = r.remaining() > 0 ? r.u8() : 0;
                yield new PubAck(id, reason);
            }
            case SUBACK -> {
                int id = r.u16();
                r.skipProperties();
                List<Integer> codes = new ArrayList<>();
                while (r.remaining() > 0) {
                    codes.add(r.u8());
                }
                yield new SubAck(id, codes);
            }
            case PINGRESP -> new PingResp();
            case DISCONNECT -> {
                int reason = r.remaining() > 0 ? r.u8() : 0;
                Optional<String> why = Optional.empty();
                if (r.remaining() > 0) {
                    why = r.reasonString();
                }
                yield new Disconnect(reason, why);
            }
            case PUBREC, PUBREL, PUBCOMP ->
                    throw new ProtocolError(
                            "the broker sent a QoS 2 packet, though the door asked for QoS 1 at"
                                    + " most");
            default ->
                    throw new ProtocolError(
                            "a packet of type " + type + " the door never asked for");
        };
    }

    private static ConnAck connAck(Reader r) throws ProtocolError {
        boolean present = (r.u8() & 1) == 1;
        int reason = r.u8();
        Optional<String> why = Optional.empty();
        int receiveMaximum = 65535;
        OptionalInt keepAlive = OptionalInt.empty();
        OptionalLong maxPacket = OptionalLong.empty();
        if (r.remaining() > 0) {
            Reader p = r.properties();
            while (p.remaining() > 0) {
                int id = p.varint();
                switch (id) {
                    case 0x1F -> why = Optional.of(p.utf8());
                    case 0x21 -> receiveMaximum = p.u16();
                    case 0x13 -> keepAlive = OptionalInt.of(p.u16());
                    case 0x27 -> maxPacket = OptionalLong.of(p.u32());
                    default -> p.skipProperty(id);
                }
            }
        }
        if (receiveMaximum == 0) {
            throw new ProtocolError("CONNACK with a receive maximum of 0");
        }
        return new ConnAck(present, reason, why, receiveMaximum, keepAlive, maxPacket);
    }

    private static Publish publish(int flags, Reader r) throws ProtocolError {
        int qos = (flags >>> 1) & 3;
        if (qos == 3) {
            throw new ProtocolError("PUBLISH with QoS 3");
        }
        if (qos == 2) {
            throw new ProtocolError("a QoS 2 PUBLISH, though the door subscribed at QoS 1");
        }
        boolean retain = (flags & 1) == 1;
        List<String> problems = new ArrayList<>();
        byte[] rawTopic = r.binary();
        String topic = topicName(rawTopic, problems);
        int id = qos > 0 ? r.u16() : 0;
        if (qos > 0 && id == 0) {
            throw new ProtocolError("PUBLISH with packet identifier 0");
        }
        OptionalLong expiry = OptionalLong.empty();
        Optional<String> responseTopic = Optional.empty();
        Optional<byte[]> correlation = Optional.empty();
        Reader p = r.properties();
        try {
            while (p.remaining() > 0) {
                int pid = p.varint();
                switch (pid) {
                    case 0x02 -> expiry = OptionalLong.of(p.u32());
                    case 0x08 -> {
                        byte[] raw = p.binary();
                        List<String> mine = new ArrayList<>();
                        String t = topicName(raw, mine);
                        if (mine.isEmpty()) {
                            responseTopic = Optional.of(t);
                        } else {
                            problems.add("response topic: " + String.join("; ", mine));
                        }
                    }
                    case 0x09 -> correlation = Optional.of(p.binary());
                    case 0x23 -> {
                        p.u16();
                        problems.add("a topic alias, though the door allows none");
                    }
                    default -> p.skipProperty(pid);
                }
            }
        } catch (ProtocolError e) {
            // The property block has its own length: the message is framed, only its properties
            // are not readable. The door refuses the message and keeps the connection.
            problems.add("properties: " + e.getMessage());
        }
        byte[] payload = r.rest();
        return new Publish(
                topic,
                payload,
                qos,
                retain,
                id,
                expiry,
                responseTopic,
                correlation,
                List.copyOf(problems));
    }

    /**
     * A topic name as a broker may send it: UTF-8, 1 to {@value #MAX_TOPIC} characters, no
     * wildcards, no U+0000, no empty level. What is wrong goes into {@code problems}; the text is
     * still returned (escaped where not UTF-8) so a refusal can name it.
     */
    static String topicName(byte[] raw, List<String> problems) {
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(raw))
                            .toString();
        } catch (CharacterCodingException e) {
            problems.add("not UTF-8");
            return new String(raw, StandardCharsets.ISO_8859_1);
        }
        if (text.isEmpty()) {
            problems.add("empty");
        } else if (text.length() > MAX_TOPIC) {
            problems.add("longer than " + MAX_TOPIC + " characters");
        }
        if (text.indexOf('+') >= 0 || text.indexOf('#') >= 0) {
            problems.add("a wildcard (+ or #) in a topic name");
        }
        if (text.indexOf('\0') >= 0) {
            problems.add("U+0000 in a topic name");
        }
        if (text.startsWith("/") || text.endsWith("/") || text.contains("//")) {
            problems.add("an empty topic level");
        }
        return text;
    }

    /** A packet's body, read field by field; running past its end is a protocol error. */
    static final class Reader {
        private final byte[] b;
        private int at;
        private final int end;

        Reader(byte[] b) {
            this(b, 0, b.length);
        }

        private Reader(byte[] b, int from, int end) {
            this.b = b;
            this.at = from;
            this.end = end;
        }

        int remaining() {
            return end - at;
        }

        private void need(int n) throws ProtocolError {
            if (n < 0 || remaining() < n) {
                throw new ProtocolError("a packet shorter than its fields");
            }
        }

        int u8() throws ProtocolError {
            need(1);
            return b[at++] & 0xFF;
        }

        int u16() throws ProtocolError {
            need(2);
            int v = ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
            at += 2;
            return v;
        }

        long u32() throws ProtocolError {
            need(4);
            long v = 0;
            for (int i = 0; i < 4; i++) {
                v = (v << 8) | (b[at + i] & 0xFF);
            }
            at += 4;
            return v;
        }

        int varint() throws ProtocolError {
            int value = 0;
            for (int i = 0; i < 4; i++) {
                int digit = u8();
                value |= (digit & 0x7F) << (7 * i);
                if ((digit & 0x80) == 0) {
                    return value;
                }
            }
            throw new ProtocolError("a variable byte integer longer than 4 bytes");
        }

        byte[] binary() throws ProtocolError {
            int n = u16();
            need(n);
            byte[] out = new byte[n];
            System.arraycopy(b, at, out, 0, n);
            at += n;
            return out;
        }

        String utf8() throws ProtocolError {
            List<String> problems = new ArrayList<>();
            byte[] raw = binary();
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(raw))
                        .toString();
            } catch (CharacterCodingException e) {
                problems.add("not UTF-8");
                throw new ProtocolError("a string that is not UTF-8");
            }
        }

        /** The properties: a reader over exactly their bytes; this one moves past them. */
        Reader properties() throws ProtocolError {
            int n = varint();
            need(n);
            Reader p = new Reader(b, at, at + n);
            at += n;
            return p;
        }

        void skipProperties() throws ProtocolError {
            properties();
        }

        Optional<String> reasonString() throws ProtocolError {
            Reader p = properties();
            Optional<String> why = Optional.empty();
            while (p.remaining() > 0) {
                int id = p.varint();
                if (id == 0x1F) {
                    why = Optional.of(p.utf8());
                } else {
                    p.skipProperty(id);
                }
            }
            return why;
        }

        /** Moves past one property's value, known by its identifier. */
        void skipProperty(int id) throws ProtocolError {
            switch (id) {
                case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> u8();
                case 0x13, 0x21, 0x22, 0x23 -> u16();
                case 0x02, 0x11, 0x18, 0x27 -> u32();
                case 0x0B -> varint();
                case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> binary();
                case 0x09, 0x16 -> binary();
                case 0x26 -> {
                    binary();
                    binary();
                }
                default ->
                        throw new ProtocolError("an unknown property 0x" + Integer.toHexString(id));
            }
        }

        byte[] rest() {
            byte[] out = new byte[remaining()];
            System.arraycopy(b, at, out, 0, out.length);
            at = end;
            return out;
        }
    }

    // ---- encoding

    /** A packet under construction: its body, then the fixed header in front. */
    static final class Writer {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Writer u8(int v) {
            body.write(v);
            return this;
        }

        Writer u16(int v) {
            body.write(v >>> 8);
            body.write(v);
            return this;
        }

        Writer u32(long v) {
            for (int i = 3; i >= 0; i--) {
                body.write((int) (v >>> (8 * i)));
            }
            return this;
        }

        Writer binary(byte[] v) {
            u16(v.length);
            body.writeBytes(v);
            return this;
        }

        Writer utf8(String v) {
            return binary(v.getBytes(StandardCharsets.UTF_8));
        }

        Writer raw(byte[] v) {
            body.writeBytes(v);
            return this;
        }

        Writer properties(Writer props) {
            byte[] p = props.body.toByteArray();
            body.writeBytes(varint(p.length));
            body.writeBytes(p);
            return this;
        }

        byte[] packet(int type, int flags) {
            byte[] b = body.toByteArray();
            ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 5);
            out.write((type << 4) | flags);
            out.writeBytes(varint(b.length));
            out.writeBytes(b);
            return out.toByteArray();
        }
    }

    static byte[] varint(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4);
        do {
            int digit = value & 0x7F;
            value >>>= 7;
            out.write(value > 0 ? digit | 0x80 : digit);
        } while (value > 0);
        return out.toByteArray();
    }

    /** What CONNECT carries. */
    public record Connect(
            String clientId,
            int keepAliveSeconds,
            int receiveMaximum,
            long maximumPacketSize,
            Optional<String> username,
            Optional<byte[]> password,
            Optional<Will> will) {}

    /** The message the broker publishes (retained, QoS 1) when the door goes without a word. */
    public record Will(String topic, byte[] payload) {}

    static byte[] connect(Connect c) {
        Writer w = new Writer();
        w.utf8("MQTT").u8(5);
        int flags = 0x02; // clean start
        if (c.will().isPresent()) {
            flags |= 0x04 | 0x08 | 0x20; // a will, QoS 1, retained
        }
        if (c.username().isPresent()) {
            flags |= 0x80;
        }
        if (c.password().isPresent()) {
            flags |= 0x40;
        }
        w.u8(flags).u16(c.keepAliveSeconds());
        w.properties(
                new Writer()
                        .u8(0x11)
                        .u32(0) // the session ends with the connection
                        .u8(0x21)
                        .u16(c.receiveMaximum())
                        .u8(0x27)
                        .u32(c.maximumPacketSize()));
        w.utf8(c.clientId());
        c.will()
                .ifPresent(
                        will ->
                                w.properties(new Writer()) // no will properties
                                        .utf8(will.topic())
                                        .binary(will.payload()));
        c.username().ifPresent(w::utf8);
        c.password().ifPresent(w::binary);
        return w.packet(CONNECT, 0);
    }

    /** A PUBLISH; {@code packetId} 0 for QoS 0. */
    public static byte[] publish(
            String topic,
            byte[] payload,
            int qos,
            boolean retain,
            int packetId,
            OptionalLong expiry,
            Optional<byte[]> correlation) {
        Writer w = new Writer().utf8(topic);
        if (qos > 0) {
            w.u16(packetId);
        }
        Writer props = new Writer();
        expiry.ifPresent(e -> props.u8(0x02).u32(e));
        correlation.ifPresent(c -> props.u8(0x09).binary(c));
        w.properties(props).raw(payload);
        return w.packet(PUBLISH, (qos << 1) | (retain ? 1 : 0));
    }

    static byte[] pubAck(int packetId, int reasonCode) {
        Writer w = new Writer().u16(packetId);
        if (reasonCode != 0) {
            w.u8(reasonCode);
        }
        return w.packet(PUBACK, 0);
    }

    static byte[] subscribe(int packetId, List<Subscription> subscriptions) {
        Writer w = new Writer().u16(packetId).properties(new Writer());
        for (Subscription s : subscriptions) {
            // QoS 1; retain as published (a retained message published live still says so: never
            // acted on); retained messages sent at subscribe time, as brokers do by default.
            w.utf8(s.filter()).u8(1 | (s.noLocal() ? 0x04 : 0) | 0x08);
        }
        return w.packet(SUBSCRIBE, 0x02);
    }

    static byte[] pingReq() {
        return new byte[] {(byte) 0xC0, 0};
    }

    static byte[] disconnect() {
        return new byte[] {(byte) 0xE0, 0};
    }
}
