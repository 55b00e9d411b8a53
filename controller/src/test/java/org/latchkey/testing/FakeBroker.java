package org.latchkey.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broker that misbehaves on cue, for what a real one will not do: plain MQTT 5 on 127.0.0.1,
 * anonymous, one client at a time. It grants every subscription and sends every PUBLISH back to the
 * client (the door subscribes to its own probe topic, so that is what proves delivery) — until
 * {@link #zombie()}: from then on it answers PINGREQ and nothing else, neither acknowledging nor
 * delivering, while the connection stays up (the fourth review's "zombie" broker).
 */
public final class FakeBroker implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean zombie;
    private volatile Socket current;

    private FakeBroker(ServerSocket server) {
        this.server = server;
        Thread.ofPlatform().daemon().name("fake-broker").start(this::serve);
    }

    public static FakeBroker start() throws IOException {
        return new FakeBroker(new ServerSocket(0, 4, InetAddress.getLoopbackAddress()));
    }

    public int port() {
        return server.getLocalPort();
    }

    /** How many connections the client has made. */
    public int connections() {
        return connections.get();
    }

    /** From now on: PINGRESP only. */
    public void zombie() {
        zombie = true;
    }

    /** Back to a broker that works (for the next connection and this one). */
    public void heal() {
        zombie = false;
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                current = s;
                connections.incrementAndGet();
                session(new DataInputStream(s.getInputStream()), s.getOutputStream());
            } catch (IOException e) {
                // the client went, or we closed: wait for the next
            }
        }
    }

    private void session(DataInputStream in, OutputStream out) throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                return;
            }
            byte[] body = new byte[remainingLength(in)];
            in.readFully(body);
            int type = first >> 4;
            if (type == 12) { // PINGREQ
                write(out, 0xD0, new byte[0]);
                continue;
            }
            if (zombie) {
                continue;
            }
            switch (type) {
                case 1 -> write(out, 0x20, new byte[] {0, 0, 0}); // CONNACK, no properties
                case 8 -> write(out, 0x90, subAck(body)); // SUBSCRIBE
                case 3 -> publish(first, body, out);
                case 14 -> {
                    return; // DISCONNECT
                }
                default -> {} // PUBACK and the rest: nothing to answer
            }
        }
    }

    private static byte[] subAck(byte[] body) {
        int at = 2;
        int[] props = varInt(body, at);
        at = props[1] + props[0];
        ByteArrayOutputStream codes = new ByteArrayOutputStream();
        codes.write(body[0]);
        codes.write(body[1]);
        codes.write(0); // no properties
        while (at < body.length) {
            int len = ((body[at] & 0xFF) << 8) | (body[at + 1] & 0xFF);
            at += 2 + len + 1;
            codes.write(1); // granted, QoS 1
        }
        return codes.toByteArray();
    }

    /** Acknowledges a QoS 1 PUBLISH and sends it back as QoS 0. */
    private static void publish(int first, byte[] body, OutputStream out) throws IOException {
        int qos = (first >> 1) & 3;
        int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        String topic = new String(body, 2, topicLength, StandardCharsets.UTF_8);
        int at = 2 + topicLength;
        if (qos > 0) {
            write(out, 0x40, new byte[] {body[at], body[at + 1]});
            at += 2;
        }
        int[] props = varInt(body, at);
        at = props[1] + props[0];
        ByteArrayOutputStream echo = new ByteArrayOutputStream();
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        echo.write(t.length >> 8);
        echo.write(t.length);
        echo.write(t, 0, t.length);
        echo.write(0); // no properties
        echo.write(body, at, body.length - at);
        write(out, 0x30, echo.toByteArray());
    }

    /** {value, index after it}. */
    private static int[] varInt(byte[] b, int at) {
        int value = 0;
        int shift = 0;
        while (true) {
            int x = b[at++] & 0xFF;
            value |= (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return new int[] {value, at};
            }
            shift += 7;
        }
    }

    private static int remainingLength(InputStream in) throws IOException {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int x = in.read();
            if (x < 0) {
                throw new IOException("closed");
            }
            value |= (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("a remaining length over four bytes");
    }

    private static synchronized void write(OutputStream out, int first, byte[] body)
            throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(first);
        int n = body.length;
        do {
            int x = n & 0x7F;
            n >>>= 7;
            frame.write(n > 0 ? x | 0x80 : x);
        } while (n > 0);
        frame.write(body, 0, body.length);
        out.write(frame.toByteArray());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket s = current;
        if (s != null) {
            s.close();
        }
    }
}
