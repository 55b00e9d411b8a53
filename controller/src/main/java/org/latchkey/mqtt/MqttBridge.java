package org.latchkey.mqtt;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;

import io.reactivex.schedulers.Schedulers;

import org.latchkey.access.AccessGate;
import org.latchkey.config.MqttSettings;
import org.latchkey.config.PemFiles;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorEvent;
import org.latchkey.door.DoorModel;
import org.latchkey.door.Outcome;
import org.latchkey.token.Json;
import org.latchkey.token.Names;
import org.latchkey.token.Rfc3339;
import org.tinylog.Logger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The door on an MQTT broker: its availability, state, audit records and Home Assistant discovery
 * out; {@code LOCK}, tokens, owner mode changes and a fleet's revocation lists in, each through the
 * same gate as the API. The door never waits for it: the door's loop only hands over what changed,
 * a publisher thread sends it when the broker is reachable, and a broker that is down, slow or
 * hostile costs the door nothing but the messages it could not take.
 */
public final class MqttBridge implements DoorController.Observer, AutoCloseable {
    /** Events kept while the broker is away; beyond this the oldest go first, counted. */
    public static final int EVENT_QUEUE = 1000;

    /** Messages from the broker waiting for the door; beyond this they are dropped, counted. */
    static final int INBOUND_QUEUE = 64;

    /** The gate's client name: the bridge is one client for the rate limit. */
    static final String CLIENT = "mqtt";

    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration LONGEST_RETRY = Duration.ofSeconds(30);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_PACKET = 64 * 1024;

    static {
        // A door sends a few small messages a minute: netty's pooled arenas (4 MiB chunks, one
        // arena per core, heap and direct) would cost tens of MiB for nothing. Unless the operator
        // chose otherwise, plain unpooled buffers.
        if (System.getProperty("io.netty.allocator.type") == null) {
            System.setProperty("io.netty.allocator.type", "unpooled");
        }
    }

    private final MqttSettings settings;
    private final MqttTopics topics;
    private final Optional<Discovery> discovery;
    private final DoorController door;
    private final AccessGate gate;
    private final Function<DoorModel, ObjectNode> status;
    private final InstantSource wall;
    private final IgnoredMessages ignored;

    /** One LOCK per window reaches the door; the rest are ignored as REPEATED. */
    private final IgnoredMessages lockPace;

    private static final String COMMAND_PACE = "command";
    private final Outbox outbox = new Outbox(EVENT_QUEUE);
    private final Map<String, Supplier<byte[]>> retained = new java.util.LinkedHashMap<>();
    private final Map<String, byte[]> published = new HashMap<>();
    private final java.util.concurrent.ExecutorService callbacks;
    private final ArrayBlockingQueue<Mqtt5Publish> inbound =
            new ArrayBlockingQueue<>(INBOUND_QUEUE);
    private final Thread receiver;
    private final AtomicLong inboundDropped = new AtomicLong();
    private final Mqtt5AsyncClient client;
    private final Thread publisher;
    private volatile ObjectNode lastAccess;
    private volatile boolean connected;
    private volatile boolean stopping;
    private volatile String lastProblem = "";

    private MqttBridge(
            MqttSettings settings,
            String lockId,
            String version,
            DoorController door,
            AccessGate gate,
            Function<DoorModel, ObjectNode> status,
            InstantSource wall,
            Supplier<Duration> monotonic,
            Optional<String> password,
            TlsFactories tls) {
        this.settings = settings;
        this.topics = MqttTopics.of(settings);
        this.discovery =
                settings.discovery()
                        ? Optional.of(
                                new Discovery(topics, settings.discoveryPrefix(), lockId, version))
                        : Optional.empty();
        this.door = door;
        this.gate = gate;
        this.status = status;
        this.wall = wall;
        this.ignored = new IgnoredMessages(monotonic);
        this.lockPace = new IgnoredMessages(monotonic);
        this.callbacks =
                java.util.concurrent.Executors.newSingleThreadExecutor(
                        r -> Thread.ofPlatform().name("latchkey-mqtt").daemon().unstarted(r));
        retained.put(topics.availability(), () -> bytes("online"));
        discovery.ifPresent(
                d ->
                        d.configs()
                                .forEach(
                                        c ->
                                                retained.put(
                                                        c.topic(),
                                                        () -> bytes(Json.write(c.payload())))));
        retained.put(topics.state(), this::stateJson);
        retained.put(
                topics.lastAccess(),
                () -> lastAccess == null ? null : bytes(Json.write(lastAccess)));
        this.client = build(password, tls);
        // The client's callback only hands over; a flood beyond the queue is dropped, counted.
        client.publishes(
                MqttGlobalPublishFilter.SUBSCRIBED,
                p -> {
                    if (!inbound.offer(p)) {
                        inboundDropped.incrementAndGet();
                    }
                });
        this.receiver =
                Thread.ofPlatform().name("latchkey-mqtt-in").daemon().unstarted(this::receive);
        this.publisher =
                Thread.ofPlatform().name("latchkey-mqtt-out").daemon().unstarted(this::publish);
    }

    /** The TLS parts read from the config's files (empty: the system's trust, no client cert). */
    private record TlsFactories(
            Optional<javax.net.ssl.TrustManagerFactory> trust,
            Optional<javax.net.ssl.KeyManagerFactory> identity) {}

    /** The bridge could not be set up from its files; the door runs without it. */
    public static final class SetupException extends Exception {
        SetupException(String message) {
            super(message);
        }
    }

    /**
     * Reads the password and TLS files, starts connecting (in the background: a broker that is down
     * is retried with capped backoff) and starts following the door.
     *
     * @param status the door as {@code GET /v1/status} shows it; the state topic adds {@code lock}
     */
    public static MqttBridge start(
            MqttSettings settings,
            String lockId,
            String version,
            DoorController door,
            AccessGate gate,
            Function<DoorModel, ObjectNode> status,
            InstantSource wall,
            Supplier<Duration> monotonic)
            throws SetupException {
        Optional<String> password;
        TlsFactories tls;
        try {
            password = settings.passwordFile().map(PemFiles::secret);
        } catch (IllegalArgumentException e) {
            throw new SetupException(
                    "password_file " + settings.passwordFile().get() + " " + e.getMessage());
        }
        try {
            tls = new TlsFactories(BrokerTls.trust(settings), BrokerTls.identity(settings));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SetupException("TLS files: " + e.getMessage());
        }
        MqttBridge bridge =
                new MqttBridge(
                        settings, lockId, version, door, gate, status, wall, monotonic, password,
                        tls);
        door.addObserver(bridge);
        bridge.publisher.start();
        bridge.receiver.start();
        bridge.connect();
        Logger.info(
                "MQTT: connecting to {} as {} (topics under {}{})",
                settings.url(),
                settings.clientId(),
                bridge.topics.prefix(),
                settings.discovery()
                        ? ", Home Assistant discovery under " + settings.discoveryPrefix()
                        : "");
        return bridge;
    }

    private Mqtt5AsyncClient build(Optional<String> password, TlsFactories tls) {
        Mqtt5ClientBuilder b = Connection.builder(settings, password, tls.trust(), tls.identity());
        return b.willPublish()
                .topic(topics.availability())
                .payload(bytes("offline"))
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .applyWillPublish()
                .automaticReconnect()
                .initialDelay(FIRST_RETRY.toMillis(), TimeUnit.MILLISECONDS)
                .maxDelay(LONGEST_RETRY.toMillis(), TimeUnit.MILLISECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(this::connected)
                .addDisconnectedListener(this::disconnected)
                .executorConfig()
                .nettyThreads(1)
                .applicationScheduler(Schedulers.from(callbacks))
                .applyExecutorConfig()
                .buildAsync();
    }

    private void connect() {
        client.connectWith()
                .cleanStart(true)
                .sessionExpiryInterval(0)
                .keepAlive(30)
                .restrictions()
                .maximumPacketSize(MAX_PACKET)
                .receiveMaximum(INBOUND_QUEUE / 2)
                .applyRestrictions()
                .send();
        // With automatic reconnect the future completes only once connected: never waited for.
    }

    // ---- connection

    private void connected(MqttClientConnectedContext ctx) {
        Logger.info("MQTT: connected to {}", settings.url());
        lastProblem = "";
        synchronized (published) {
            published.clear(); // a new session: everything retained is sent again
        }
        outbox.dueFirst(
                List.copyOf(retained.keySet())); // availability first, then discovery, state
        subscribe();
        connected = true;
        outbox.open(true);
    }

    private void disconnected(MqttClientDisconnectedContext ctx) {
        connected = false;
        outbox.open(false);
        // Subscriptions are made afresh on each connection (retained commands are then ignored).
        ctx.getReconnector().resubscribeIfSessionExpired(false).republishIfSessionExpired(false);
        if (stopping) {
            ctx.getReconnector().reconnect(false);
            return;
        }
        String problem = Problems.describe(ctx.getCause(), settings);
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            Logger.warn(
                    "MQTT: {}; the door works on without the broker, retrying (up to every {} s)",
                    problem,
                    LONGEST_RETRY.toSeconds());
        } else {
            Logger.debug("MQTT: still {}", problem);
        }
    }

    private void subscribe() {
        List<String> filters =
                new ArrayList<>(List.of(topics.command(), topics.present(), topics.mode()));
        topics.discoveryStatus().ifPresent(filters::add);
        topics.revocations().ifPresent(filters::add);
        List<Mqtt5Subscription> subs = new ArrayList<>();
        for (String f : filters) {
            subs.add(
                    Mqtt5Subscription.builder()
                            .topicFilter(f)
                            .qos(MqttQos.AT_LEAST_ONCE)
                            .noLocal(true)
                            // A retained message published live still says so: never acted on.
                            .retainAsPublished(true)
                            .build());
        }
        client.subscribe(Mqtt5Subscribe.builder().addSubscriptions(subs).build())
                .whenComplete((ack, e) -> subscribed(filters, ack, e));
    }

    private void subscribed(List<String> filters, Mqtt5SubAck ack, Throwable e) {
        if (e != null) {
            Logger.warn("MQTT: subscribing failed: {}", e.getMessage());
            return;
        }
        List<Mqtt5SubAckReasonCode> codes = ack.getReasonCodes();
        for (int i = 0; i < codes.size() && i < filters.size(); i++) {
            if (codes.get(i).isError()) {
                Logger.warn(
                        "MQTT: the broker refused the subscription to {}: {} (check the ACL for"
                                + " user {})",
                        filters.get(i),
                        codes.get(i),
                        settings.username().orElse("(anonymous)"));
            }
        }
    }

    // ---- from the broker

    private void receive() {
        while (!stopping) {
            try {
                Mqtt5Publish p = inbound.poll(IgnoredMessages.WINDOW.toMillis(), MILLISECONDS);
                if (p != null) {
                    received(p);
                }
                for (IgnoredMessages.Held h : ignored.due()) {
                    door.record(
                            new AuditRecord.RemoteIgnored(
                                    CLIENT, h.topic(), h.reason(), h.detail(), h.repeats()));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                Logger.error(e, "MQTT: a message could not be handled");
            }
        }
    }

    private void received(Mqtt5Publish p) {
        Inbound.Message m =
                new Inbound.Message(
                        p.getTopic().toString(),
                        p.getPayloadAsBytes(),
                        p.isRetain(),
                        p.getMessageExpiryInterval());
        Inbound decision = Inbound.decide(topics, settings, m, gate.checkClock());
        switch (decision) {
            case Inbound.Lock l -> {
                if (lockPace.admit(COMMAND_PACE, "LOCK", "").isPresent()) {
                    door.post(new DoorEvent.LockRequested(CLIENT));
                } else { // a flood of LOCKs must not queue up in front of grants and alarms
                    ignore(
                            m.topic(),
                            new Inbound.Ignored(
                                    "REPEATED",
                                    "LOCK again within "
                                            + IgnoredMessages.WINDOW.toSeconds()
                                            + " s of the last: the door is already securing"));
                }
            }
            case Inbound.Present pr ->
                    gate.present(pr.token(), CLIENT).thenAccept(o -> answer(p, "present", o));
            case Inbound.ChangeMode cm ->
                    gate.changeMode(cm.mode(), cm.token(), CLIENT)
                            .thenAccept(o -> answer(p, "mode", o));
            case Inbound.InstallRevocations r -> installRevocations(r.text());
            case Inbound.Rediscover r -> {
                discovery.ifPresent(d -> d.configs().forEach(c -> resend(c.topic())));
                resend(topics.state());
                resend(topics.availability());
            }
            case Inbound.Ignored i -> ignore(m.topic(), i);
            case Inbound.Nothing n -> {}
        }
    }

    private void installRevocations(String text) {
        if (gate.revocationsInstalled(text)) {
            return; // the retained list again, after a reconnect or a restart
        }
        Outcome o = gate.installRevocations(text, CLIENT);
        if (o.granted()) {
            Logger.info("MQTT: {} from {}", o.detail(), topics.revocations().orElse(""));
        } else {
            Logger.warn(
                    "MQTT: revocation list on {} refused: {} ({})",
                    topics.revocations().orElse(""),
                    o.refusal().map(Enum::name).orElse(""),
                    o.detail());
        }
    }

    private void ignore(String topic, Inbound.Ignored i) {
        OptionalLong held = ignored.admit(topic, i.reason(), i.detail());
        if (held.isPresent()) {
            Logger.warn("MQTT: ignored a message on {}: {} ({})", topic, i.reason(), i.detail());
            door.record(
                    new AuditRecord.RemoteIgnored(
                            CLIENT, topic, i.reason(), i.detail(), held.getAsLong()));
        }
    }

    /**
     * The answer to a present or mode message: to its response topic if under ours, else result.
     */
    private void answer(Mqtt5Publish request, String kind, Outcome o) {
        ObjectNode body = Json.object();
        body.put("request", kind);
        body.put("granted", o.granted());
        o.refusal().ifPresent(r -> body.put("reason", r.name()));
        body.put("detail", o.detail());
        String topic =
                request.getResponseTopic()
                        .map(Object::toString)
                        // Only under result: an answer must never pass for the door's state or
                        // events.
                        .filter(t -> t.startsWith(topics.result() + "/"))
                        .orElse(topics.result());
        var send =
                client.publishWith()
                        .topic(topic)
                        .payload(bytes(Json.write(body)))
                        // At most once: answers are not queued awaiting acknowledgement.
                        .qos(MqttQos.AT_MOST_ONCE);
        Optional<ByteBuffer> correlation = request.getCorrelationData();
        (correlation.isPresent() ? send.correlationData(correlation.get()) : send)
                .send()
                .whenComplete(
                        (r, e) -> {
                            if (e != null) {
                                Logger.debug("MQTT: answer not sent: {}", e.getMessage());
                            }
                        });
    }

    // ---- from the door (its loop thread: hand over, never block)

    @Override
    public void onStatus(DoorModel m) {
        outbox.due(topics.state()); // its payload is read when it is sent
    }

    @Override
    public void onRecord(AuditRecord record, Optional<String> line) {
        line.ifPresent(l -> outbox.event(topics.events(), bytes(l)));
        switch (record) {
            case AuditRecord.Granted g -> {
                ObjectNode last = accessFields(g.token());
                last.put("when", Rfc3339.format(wall.instant()));
                lastAccess = last;
                outbox.due(topics.lastAccess());
                ObjectNode event = Json.object().put("event_type", "granted");
                event.setAll(accessFields(g.token()));
                outbox.event(topics.access(), bytes(Json.write(event)));
            }
            case AuditRecord.Refused r -> {
                ObjectNode event = Json.object().put("event_type", "refused");
                event.setAll(accessFields(r.token()));
                event.put("reason", r.reason().name());
                outbox.event(topics.access(), bytes(Json.write(event)));
            }
            default -> {}
        }
    }

    private static ObjectNode accessFields(AuditRecord.TokenRef t) {
        ObjectNode o = Json.object();
        o.put("who", Names.forPeople(t.sub())); // a person reads it, in Home Assistant
        o.put("role", t.role());
        t.issuer().ifPresent(i -> o.put("issuer", i));
        t.use().ifPresent(u -> o.put("use", u));
        return o;
    }

    /**
     * The door as it is now (read when sent, so a state missed before the observer began counts).
     */
    private byte[] stateJson() {
        DoorModel m = door.model();
        ObjectNode o = status.apply(m);
        o.put("lock", LockState.of(m));
        o.put("events_dropped", outbox.dropped());
        return bytes(Json.write(o));
    }

    private void resend(String topic) {
        synchronized (published) {
            published.remove(topic);
        }
        outbox.due(topic);
    }

    // ---- to the broker (the publisher thread)

    private void publish() {
        long droppedReported = 0;
        while (true) {
            Optional<Outbox.Item> next;
            try {
                next = outbox.take();
            } catch (InterruptedException e) {
                return;
            }
            if (next.isEmpty()) {
                return;
            }
            Outbox.Item item = next.get();
            String topic;
            byte[] payload;
            boolean retain;
            switch (item) {
                case Outbox.Item.Due d -> {
                    topic = d.topic();
                    payload = retained.get(topic).get();
                    retain = true;
                    synchronized (published) {
                        if (payload == null || Arrays.equals(payload, published.get(topic))) {
                            continue; // nothing new on this topic
                        }
                    }
                }
                case Outbox.Item.Queued q -> {
                    topic = q.event().topic();
                    payload = q.event().payload();
                    retain = false;
                }
            }
            if (send(topic, payload, retain)) {
                if (retain) {
                    synchronized (published) {
                        published.put(topic, payload);
                    }
                }
                long dropped = outbox.dropped();
                if (dropped > droppedReported) {
                    Logger.warn(
                            "MQTT: {} event(s) dropped while the broker could not take them (the"
                                    + " audit log has every record)",
                            dropped - droppedReported);
                    droppedReported = dropped;
                    outbox.due(topics.state()); // its events_dropped changed
                }
            } else if (!stopping) {
                outbox.putBack(item);
            }
        }
    }

    /** One message, QoS 1; true once the broker acknowledged it (or refused it for good). */
    private boolean send(String topic, byte[] payload, boolean retain) {
        try {
            client.publishWith()
                    .topic(topic)
                    .payload(payload)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .retain(retain)
                    .send()
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause()
                    instanceof
                    com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException refused) {
                Logger.warn(
                        "MQTT: the broker refused a message on {}: {} (check the ACL for user {})",
                        topic,
                        refused.getMqttMessage().getReasonCode(),
                        settings.username().orElse("(anonymous)"));
                return true; // refused for good: trying again would be refused again
            }
            Logger.debug("MQTT: not sent on {}: {}", topic, e.getCause().getMessage());
            awaitReconnect();
            return false;
        } catch (TimeoutException e) {
            Logger.debug(
                    "MQTT: no acknowledgement on {} within {} s", topic, SEND_TIMEOUT.toSeconds());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** After a failed send, wait for the connection to go (and come back) before the next try. */
    private void awaitReconnect() {
        for (int i = 0; i < 20 && connected && !stopping; i++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- counters and shutdown

    /** Events dropped because the broker could not take them in time. */
    public long eventsDropped() {
        return outbox.dropped();
    }

    /** Messages from the broker dropped because the door was still busy with earlier ones. */
    public long inboundDropped() {
        return inboundDropped.get();
    }

    public boolean isConnected() {
        return connected;
    }

    /** Why the last connection attempt failed, in words; empty while connected. */
    public String problem() {
        return lastProblem;
    }

    /** Says {@code offline}, disconnects, stops its threads. Bounded in time. */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        door.removeObserver(this);
        try {
            outbox.awaitDrained(
                    1000); // the door's last state and records, when the broker is there
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopping = true;
        outbox.close();
        if (connected) {
            try {
                client.publishWith()
                        .topic(topics.availability())
                        .payload(bytes("offline"))
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .retain(true)
                        .send()
                        .get(2, TimeUnit.SECONDS);
                client.disconnect().get(2, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Logger.debug("MQTT: clean disconnect failed: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            // Not connected: the reconnect loop ends at its next attempt (see disconnected()).
            client.disconnect().exceptionally(e -> null);
        }
        publisher.interrupt();
        receiver.interrupt();
        callbacks.shutdown();
        Logger.info("MQTT: stopped");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    MqttTopics topics() {
        return topics;
    }
}
