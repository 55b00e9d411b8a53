package org.latchkey.mqtt.wire;

import org.tinylog.Logger;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One MQTT 5 connection to a broker: TCP (and TLS, the broker's name checked), CONNECT, then a
 * reader on a platform thread of its own, keep-alive pings, QoS 1 both ways. Nothing a broker sends
 * inside a well-framed PUBLISH ends it (see {@link Packets}); a framing error, a DISCONNECT, a
 * silent broker or a socket error does, once, and the listener is told why. Reconnecting is the
 * caller's business.
 */
public final class Session implements AutoCloseable {
    /** What the session tells its owner, on its reader thread: keep it short. */
    public interface Listener {
        void message(Packets.Publish message);

        /** The session ended; {@code why} in words, {@code cause} when there is one. */
        void closed(String why, Optional<Throwable> cause);
    }

    /** The broker refused the connection (a CONNACK with a reason code of 0x80 or more). */
    public static final class Refused extends IOException {
        private final int reasonCode;

        Refused(int reasonCode, Optional<String> why) {
            super(ReasonCodes.describe(reasonCode) + why.map(w -> " (" + w + ")").orElse(""));
            this.reasonCode = reasonCode;
        }

        public int reasonCode() {
            return reasonCode;
        }
    }

    /** Where and how to connect. */
    public record Endpoint(String host, int port, Optional<SSLContext> tls) {}

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int READ_TICK_MILLIS = 1000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Listener listener;
    private final long maxPacket;
    private final Map<Integer, CompletableFuture<Integer>> pubAcks = new ConcurrentHashMap<>();
    private final Map<Integer, CompletableFuture<List<Integer>>> subAcks =
            new ConcurrentHashMap<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<String> endedBecause = new AtomicReference<>();
    private final Packets.ConnAck connAck;
    private final long keepAliveMillis;
    private volatile long lastSent = System.nanoTime();
    private volatile long lastReceived = System.nanoTime();
    private int nextId = 1;

    private Session(
            Socket socket,
            InputStream in,
            OutputStream out,
            Listener listener,
            long maxPacket,
            Packets.ConnAck connAck,
            int keepAliveSeconds) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.listener = listener;
        this.maxPacket = maxPacket;
        this.connAck = connAck;
        this.keepAliveMillis = 1000L * connAck.serverKeepAlive().orElse(keepAliveSeconds);
    }

    /**
     * Connects, sends CONNECT, waits for the CONNACK (all within {@link #CONNECT_TIMEOUT}), and
     * starts reading.
     *
     * @throws Refused when the broker refuses the connection
     * @throws IOException when it cannot be reached, TLS fails, or it answers nonsense
     */
    public static Session open(
            Endpoint to, Packets.Connect connect, Listener listener, String threadName)
            throws IOException {
        Socket socket = socket(to);
        try {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            out.write(Packets.connect(connect));
            out.flush();
            FrameReader reader = new FrameReader(in, connect.maximumPacketSize());
            Frame frame = reader.next(); // bounded by the connect timeout (SO_TIMEOUT)
            Packets.Incoming first = Packets.decode(frame.first(), frame.body());
            if (!(first instanceof Packets.ConnAck ack)) {
                throw new IOException(
                        "the broker answered CONNECT with " + first.getClass().getSimpleName());
            }
            if (ack.reasonCode() >= 0x80) {
                throw new Refused(ack.reasonCode(), ack.reasonString());
            }
            socket.setSoTimeout(READ_TICK_MILLIS);
            Session s =
                    new Session(
                            socket,
                            in,
                            out,
                            listener,
                            connect.maximumPacketSize(),
                            ack,
                            connect.keepAliveSeconds());
            Thread.ofPlatform().name(threadName).daemon().start(() -> s.read(reader));
            return s;
        } catch (Packets.ProtocolError e) {
            socket.close();
            throw new IOException("the broker's CONNACK: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static Socket socket(Endpoint to) throws IOException {
        int timeout = (int) CONNECT_TIMEOUT.toMillis();
        if (to.tls().isEmpty()) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(to.host(), to.port()), timeout);
            s.setSoTimeout(timeout);
            s.setTcpNoDelay(true);
            return s;
        }
        SSLSocket s = (SSLSocket) to.tls().get().getSocketFactory().createSocket();
        try {
            s.connect(new InetSocketAddress(to.host(), to.port()), timeout);
            s.setSoTimeout(timeout);
            s.setTcpNoDelay(true);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the broker's name, checked
            p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            if (!to.host().matches("[0-9.]+|.*:.*")) {
                p.setServerNames(List.of(new SNIHostName(to.host())));
            }
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public Packets.ConnAck connAck() {
        return connAck;
    }

    // ---- sending

    private synchronized void send(byte[] packet) throws IOException {
        if (packet.length > maxPacket
                || connAck.maximumPacketSize().isPresent()
                        && packet.length > connAck.maximumPacketSize().getAsLong()) {
            throw new IOException("a packet of " + packet.length + " bytes is over the limit");
        }
        out.write(packet);
        out.flush();
        lastSent = System.nanoTime();
    }

    private synchronized int nextPacketId() {
        for (int i = 0; i < 65535; i++) {
            int id = nextId;
            nextId = nextId == 65535 ? 1 : nextId + 1;
            if (!pubAcks.containsKey(id) && !subAcks.containsKey(id)) {
                return id;
            }
        }
        throw new IllegalStateException("no free packet identifier");
    }

    /**
     * Publishes at QoS 1.
     *
     * @return completes with the PUBACK's reason code (0x80 and above: refused), or exceptionally
     *     when the session ends first
     */
    public CompletableFuture<Integer> publish(
            String topic,
            byte[] payload,
            boolean retain,
            OptionalLong expiry,
            Optional<byte[]> correlation) {
        CompletableFuture<Integer> ack = new CompletableFuture<>();
        int id = nextPacketId();
        pubAcks.put(id, ack);
        try {
            send(Packets.publish(topic, payload, 1, retain, id, expiry, correlation));
        } catch (IOException e) {
            pubAcks.remove(id);
            end("sending failed: " + e.getMessage(), Optional.of(e));
            ack.completeExceptionally(e);
        }
        if (ended.getCount() == 0) {
            ack.completeExceptionally(new IOException("the connection ended"));
        }
        return ack;
    }

    /** Publishes at QoS 0: sent, not acknowledged. */
    public void publishAtMostOnce(String topic, byte[] payload, Optional<byte[]> correlation)
            throws IOException {
        send(Packets.publish(topic, payload, 0, false, 0, OptionalLong.empty(), correlation));
    }

    /** Subscribes; completes with one reason code per subscription (0x80 and above: refused). */
    public CompletableFuture<List<Integer>> subscribe(List<Packets.Subscription> subscriptions) {
        CompletableFuture<List<Integer>> ack = new CompletableFuture<>();
        int id = nextPacketId();
        subAcks.put(id, ack);
        try {
            send(Packets.subscribe(id, subscriptions));
        } catch (IOException e) {
            subAcks.remove(id);
            end("sending failed: " + e.getMessage(), Optional.of(e));
            ack.completeExceptionally(e);
        }
        return ack;
    }

    // ---- reading

    private void read(FrameReader reader) {
        try {
            while (ended.getCount() > 0) {
                Frame f;
                try {
                    f = reader.next();
                } catch (SocketTimeoutException tick) {
                    f = null;
                }
                if (f == null) {
                    keepAlive();
                    continue;
                }
                lastReceived = System.nanoTime();
                handle(Packets.decode(f.first(), f.body()));
            }
        } catch (Packets.ProtocolError e) {
            end("protocol error from the broker: " + e.getMessage(), Optional.of(e));
        } catch (IOException e) {
            end(
                    ended.getCount() == 0 ? "closed" : "the connection failed: " + e.getMessage(),
                    Optional.of(e));
        } catch (RuntimeException e) {
            Logger.error(e, "MQTT: the reader failed");
            end("the reader failed: " + e, Optional.of(e));
        }
    }

    private void keepAlive() throws IOException {
        if (keepAliveMillis <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastReceived > TimeUnit.MILLISECONDS.toNanos(keepAliveMillis * 3 / 2)) {
            end(
                    "the broker has sent nothing for " + keepAliveMillis * 3 / 2000 + " s",
                    Optional.empty());
            return;
        }
        if (now - lastSent > TimeUnit.MILLISECONDS.toNanos(keepAliveMillis / 2)) {
            send(Packets.pingReq());
        }
    }

    private void handle(Packets.Incoming p) throws IOException {
        switch (p) {
            case Packets.Publish m -> {
                listener.message(m);
                if (m.qos() == 1) {
                    // 0x83 for what the door could not read: it still counts as received, so the
                    // broker does not send it again.
                    send(Packets.pubAck(m.packetId(), m.problems().isEmpty() ? 0 : 0x83));
                }
            }
            case Packets.PubAck a -> {
                CompletableFuture<Integer> f = pubAcks.remove(a.packetId());
                if (f != null) {
                    f.complete(a.reasonCode());
                }
            }
            case Packets.SubAck a -> {
                CompletableFuture<List<Integer>> f = subAcks.remove(a.packetId());
                if (f != null) {
                    f.complete(a.reasonCodes());
                }
            }
            case Packets.PingResp r -> {}
            case Packets.Disconnect d ->
                    end(
                            "the broker disconnected the door: "
                                    + ReasonCodes.describe(d.reasonCode())
                                    + d.reasonString().map(w -> " (" + w + ")").orElse(""),
                            Optional.empty());
            case Packets.ConnAck c -> throw new IOException("a second CONNACK");
        }
    }

    // ---- ending

    private void end(String why, Optional<Throwable> cause) {
        if (!endedBecause.compareAndSet(null, why)) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
        IOException gone = new IOException("the connection ended: " + why);
        pubAcks.values().forEach(f -> f.completeExceptionally(gone));
        subAcks.values().forEach(f -> f.completeExceptionally(gone));
        pubAcks.clear();
        subAcks.clear();
        ended.countDown();
        listener.closed(why, cause);
    }

    /** Ends the session for a reason of the door's own (the listener hears it as usual). */
    public void drop(String why) {
        end(why, Optional.empty());
    }

    public boolean isOpen() {
        return ended.getCount() > 0;
    }

    /** Waits until the session ends, or {@code timeout} passes; true if it ended. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A clean DISCONNECT, then the socket closes. */
    @Override
    public void close() {
        if (isOpen()) {
            try {
                send(Packets.disconnect());
            } catch (IOException e) {
                // going anyway
            }
        }
        end("closed by the door", Optional.empty());
    }

    // ---- framing

    /** One packet as read: the fixed header's first byte and the body. */
    record Frame(int first, byte[] body) {}

    /**
     * Reads whole packets from the stream, keeping a partial one across read timeouts (the reader
     * wakes every second for the keep-alive), and never allocating more than the limit.
     */
    static final class FrameReader {
        private final InputStream in;
        private final long maxPacket;
        private int first = -1;
        private int length;
        private int lengthBytes;
        private boolean lengthDone;
        private byte[] body;
        private int have;

        FrameReader(InputStream in, long maxPacket) {
            this.in = in;
            this.maxPacket = maxPacket;
        }

        /**
         * The next whole packet. A read timeout throws and keeps what was read so far; the end of
         * the stream is an IOException.
         */
        Frame next() throws IOException, Packets.ProtocolError {
            if (first < 0) {
                first = readByte();
            }
            while (!lengthDone) {
                int digit = readByte();
                length |= (digit & 0x7F) << (7 * lengthBytes);
                lengthBytes++;
                if ((digit & 0x80) == 0) {
                    lengthDone = true;
                } else if (lengthBytes == 4) {
                    throw new Packets.ProtocolError("a remaining length longer than 4 bytes");
                }
            }
            if (body == null) {
                if (length + 1 + lengthBytes > maxPacket) {
                    throw new Packets.ProtocolError(
                            "a packet of "
                                    + length
                                    + " bytes, over the "
                                    + maxPacket
                                    + " the door allows");
                }
                body = new byte[length];
                have = 0;
            }
            while (have < body.length) {
                int n = in.read(body, have, body.length - have);
                if (n < 0) {
                    throw new IOException("the broker closed the connection");
                }
                have += n;
            }
            Frame f = new Frame(first, body);
            first = -1;
            length = 0;
            lengthBytes = 0;
            lengthDone = false;
            body = null;
            return f;
        }

        private int readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the broker closed the connection");
            }
            return b;
        }
    }
}
