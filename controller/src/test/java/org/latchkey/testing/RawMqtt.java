package org.latchkey.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * An MQTT 5 client that writes whatever bytes it is told to, as an attacker with write access to a
 * door's topics would: for PUBLISH packets no well-behaved client library would send (a response
 * topic with wildcards, say), which brokers forward all the same. Its own few lines of encoding, so
 * that it shares nothing with the door's client.
 */
public final class RawMqtt implements AutoCloseable {
    private final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int nextId = 1;

    private RawMqtt(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawMqtt connect(
            String host, int port, SSLContext tls, String user, String password)
            throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(host, port);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.setSoTimeout(10_000);
        RawMqtt raw = new RawMqtt(s);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, "MQTT");
        body.write(5);
        body.write(0xC2); // user name, password, clean start
        body.write(0);
        body.write(30); // keep alive
        body.write(0); // no properties
        string(body, "raw-" + System.nanoTime());
        string(body, user);
        string(body, password);
        raw.send(0x10, body.toByteArray());
        int[] connAck = raw.read();
        if (connAck[0] != 0x20 || connAck[2] != 0) {
            throw new IOException("CONNACK refused: " + connAck[2]);
        }
        return raw;
    }

    /**
     * Publishes at QoS 1 with a message expiry and a response topic written as given, unchecked;
     * returns the PUBACK's reason code.
     */
    public int publishWithResponseTopic(
            String topic, String payload, long expirySeconds, String responseTopic)
            throws IOException {
        int id = nextId++;
        ByteArrayOutputStream props = new ByteArrayOutputStream();
        props.write(0x02);
        for (int i = 3; i >= 0; i--) {
            props.write((int) (expirySeconds >>> (8 * i)));
        }
        props.write(0x08);
        string(props, responseTopic);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, topic);
        body.write(id >>> 8);
        body.write(id);
        body.writeBytes(varint(props.size()));
        body.writeBytes(props.toByteArray());
        body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        send(0x32, body.toByteArray());
        while (true) {
            int[] p = read();
            if (p[0] == 0x40 && p[1] == id) {
                return p[2];
            }
        }
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >>> 8);
        out.write(b.length);
        out.writeBytes(b);
    }

    private static byte[] varint(int v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        do {
            int d = v & 0x7F;
            v >>>= 7;
            out.write(v > 0 ? d | 0x80 : d);
        } while (v > 0);
        return out.toByteArray();
    }

    private void send(int first, byte[] body) throws IOException {
        out.write(first);
        out.write(varint(body.length));
        out.write(body);
        out.flush();
    }

    /**
     * One packet: {first byte, packet id or flags, reason code} as far as the door's test needs.
     */
    private int[] read() throws IOException {
        int first = in.readUnsignedByte();
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int d = in.readUnsignedByte();
            length |= (d & 0x7F) << shift;
            if ((d & 0x80) == 0) {
                break;
            }
        }
        byte[] body = new byte[length];
        in.readFully(body);
        if (first == 0x20) {
            return new int[] {first, body[0] & 0xFF, body[1] & 0xFF};
        }
        int id = length >= 2 ? ((body[0] & 0xFF) << 8) | (body[1] & 0xFF) : 0;
        int reason = length >= 3 ? body[2] & 0xFF : 0;
        return new int[] {first, id, reason};
    }

    @Override
    public void close() throws IOException {
        out.write(new byte[] {(byte) 0xE0, 0});
        out.flush();
        socket.close();
    }
}
