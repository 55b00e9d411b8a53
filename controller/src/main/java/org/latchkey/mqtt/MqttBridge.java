package org.latchkey.mqtt;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.access.AccessGate;
import org.latchkey.config.MqttSettings;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorEvent;
import org.latchkey.door.DoorModel;
import org.latchkey.door.Outcome;
import org.latchkey.mqtt.wire.Packets;
import org.latchkey.mqtt.wire.ReasonCodes;
import org.latchkey.mqtt.wire.Session;
import org.latchkey.token.Json;
import org.latchkey.token.Names;
import org.latchkey.token.Rfc3339;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
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
 *
 * <p>The bridge is never deaf without knowing it: after every connect it checks that each
 * subscription was granted, and it proves inbound delivery all the time by sending itself a fresh
 * random nonce on a topic of its own; when one does not come back it reconnects with its
 * subscriptions made anew, reports the bridge as degraded (status, the state topic, an audit
 * record) until a probe comes back again.
 */
public final class MqttBridge implements DoorController.Observer, AutoCloseable {
    /** Events kept while the broker is away; beyond this the oldest go first, counted. */
    public static final int EVENT_QUEUE = 1000;

    /** Messages from the broker waiting for the door; beyond this they are dropped, counted. */
    static final int INBOUND_QUEUE = 64;

    /** How long the reader waits for room in the queue before it drops a message. */
    static final Duration QUEUE_WAIT = Duration.ofSeconds(1);

    /** The gate's client name: the bridge is one client for the rate limit. */
    static final String CLIENT = "mqtt";

    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration LONGEST_RETRY = Duration.ofSeconds(30);

    /** A connection that ends sooner than this does not reset the backoff: flapping is bounded. */
    static final Duration STABLE = Duration.ofSeconds(10);

    /** A probe this often while connected (the first soon after the connect)… */
    static final Duration PROBE_EVERY = Duration.ofSeconds(30);

    static final Duration FIRST_PROBE = Duration.ofSeconds(1);

    /** …which must come back within this, or delivery has stopped. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    private static final int KEEP_ALIVE_SECONDS = 30;

    /** A response topic longer than this is refused (the door's own are far shorter). */
    static final int MAX_RESPONSE_TOPIC = 256;

    /** Where inbound delivery stands, as status and the state topic say it. */
    public enum Delivery {
        /** Not connected (yet, or again). */
        DISCONNECTED,
        /** Connected; the first probe has not come back yet. */
        CHECKING,
        OK,
        /** A probe did not come back: the bridge reconnects. */
        DEGRADED,
        /** The broker's ACL forbids the probe: delivery cannot be proven. */
        PROBE_NOT_PERMITTED,
        /** The broker refused one of the door's subscriptions. */
        SUBSCRIPTION_REFUSED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The bridge at a glance. */
    public record Health(boolean connected, Delivery inbound, String detail) {}

    private final MqttSettings settings;
    private final MqttTopics topics;
    private final Optional<Discovery> discovery;
    private final DoorController door;
    private final AccessGate gate;
    private final Function<DoorModel, ObjectNode> status;
    private final InstantSource wall;
    private final IgnoredMessages ignored;
    private final IgnoredMessages events;

    /** One LOCK per window reaches the door; the rest are ignored as REPEATED. */
    private final IgnoredMessages lockPace;

    private static final String COMMAND_PACE = "command";
    private final Outbox outbox = new Outbox(EVENT_QUEUE);
    private final Map<String, Supplier<byte[]>> retained = new java.util.LinkedHashMap<>();
    private final Map<String, byte[]> published = new HashMap<>();
    private final ArrayBlockingQueue<Packets.Publish> inbound =
            new ArrayBlockingQueue<>(INBOUND_QUEUE);
    private final AtomicLong inboundDropped = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final Connection connection;
    private final SecureRandom random = new SecureRandom();
    private final Thread receiver;
    private final Thread publisher;
    private final Thread connector;
    private final Object wake = new Object();
    private volatile Session session;
    private volatile ObjectNode lastAccess;
    private volatile boolean stopping;
    private volatile String lastProblem = "";
    private volatile Health health = new Health(false, Delivery.DISCONNECTED, "connecting");

    /** The probe nonce in flight, and whether it came back. */
    private volatile String probeNonce = "";

    private volatile boolean probeSeen;

    /** Delivery was lost (degraded, or unprovable): the next probe that comes back says so. */
    private volatile boolean recovering;

    /** The door ended the session itself (already said why): no disconnect record of its own. */
    private volatile boolean droppedByUs;

    private volatile Duration lastBackoff = Duration.ZERO;

    /** Inbound drops already reported by a probe. */
    private volatile long droppedAtLastProbe;

    /** A probe came back during this session (or there was nothing to prove with). */
    private volatile boolean proven;

    /** Tests: probe now rather than at the next period. */
    private volatile boolean probeRequested;

    /** Tests: inbound messages are lost on this session (a client that went deaf). */
    volatile boolean deafenThisSession;

    /** Tests: the door takes nothing from the inbound queue until this opens (a busy door). */
    volatile java.util.concurrent.CountDownLatch holdReceiver;

    private MqttBridge(
            MqttSettings settings,
            String lockId,
            String version,
            DoorController door,
            AccessGate gate,
            Function<DoorModel, ObjectNode> status,
            InstantSource wall,
            Supplier<Duration> monotonic,
            Connection connection) {
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
        this.connection = connection;
        this.ignored = new IgnoredMessages(monotonic);
        this.events = new IgnoredMessages(monotonic);
        this.lockPace = new IgnoredMessages(monotonic);
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
        this.receiver =
                Thread.ofPlatform().name("latchkey-mqtt-in").daemon().unstarted(this::receive);
        this.publisher =
                Thread.ofPlatform().name("latchkey-mqtt-out").daemon().unstarted(this::publish);
        this.connector =
                Thread.ofPlatform().name("latchkey-mqtt-connect").daemon().unstarted(this::connect);
    }

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
        Connection connection;
        try {
            connection = Connection.of(settings);
        } catch (IllegalArgumentException e) {
            throw new SetupException(
                    "password_file " + settings.passwordFile().orElse(null) + " " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new SetupException("TLS files: " + e.getMessage());
        }
        MqttBridge bridge =
                new MqttBridge(
                        settings, lockId, version, door, gate, status, wall, monotonic, connection);
        door.addObserver(bridge);
        // Said before the connector starts: a quick broker made "connected" come first in the log.
        Logger.info(
                "MQTT: connecting to {} as {} (topics under {}{})",
                settings.url(),
                settings.clientId(),
                bridge.topics.prefix(),
                settings.discovery()
                        ? ", Home Assistant discovery under " + settings.discoveryPrefix()
                        : "");
        bridge.publisher.start();
        bridge.receiver.start();
        bridge.connector.start();
        return bridge;
    }

    // ---- connection (the connector thread)

    /** Connects, keeps the connection proven by probes, reconnects with a capped backoff. */
    private void connect() {
        Duration backoff = FIRST_RETRY;
        while (!stopping) {
            Session s;
            try {
                s =
                        Session.open(
                                connection.endpoint(),
                                connection.connect(
                                        settings.clientId(),
                                        KEEP_ALIVE_SECONDS,
                                        Optional.of(
                                                new Packets.Will(
                                                        topics.availability(), bytes("offline")))),
                                new Listener(),
                                "latchkey-mqtt-read");
            } catch (IOException e) {
                problem(Problems.describe(e, settings));
                pause(backoff);
                backoff = longer(backoff);
                continue;
            }
            long connectedAt = System.nanoTime();
            connects.incrementAndGet();
            session = s;
            proven = false;
            connected(s);
            watch(s);
            session = null;
            outbox.open(false);
            if (health.inbound() != Delivery.DEGRADED) {
                health = new Health(false, Delivery.DISCONNECTED, lastProblem);
                outbox.due(topics.state());
            }
            // A session counts as stable only once delivery was proven in it: one that lasts but
            // delivers nothing must not reconnect at full pace for ever.
            boolean brief = !proven || System.nanoTime() - connectedAt < STABLE.toNanos();
            backoff = brief ? longer(backoff) : FIRST_RETRY;
            lastBackoff = backoff;
            pause(backoff);
        }
    }

    private static Duration longer(Duration d) {
        Duration next = d.multipliedBy(2);
        return next.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : next;
    }

    private void pause(Duration d) {
        synchronized (wake) {
            if (!stopping) {
                try {
                    wake.wait(d.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void problem(String p) {
        if (!p.equals(lastProblem)) {
            Logger.warn(
                    "MQTT: {}; the door works on without the broker, retrying (up to every {} s)",
                    p,
                    LONGEST_RETRY.toSeconds());
        } else {
            Logger.debug("MQTT: still {}", p);
        }
        lastProblem = p;
        health =
                new Health(
                        false,
                        health.inbound() == Delivery.DEGRADED
                                ? Delivery.DEGRADED
                                : Delivery.DISCONNECTED,
                        p);
    }

    /** A new session: subscriptions made afresh and checked, everything retained sent again. */
    private void connected(Session s) {
        Logger.info("MQTT: connected to {}", settings.url());
        lastProblem = "";
        deafenThisSession = false;
        synchronized (published) {
            published.clear(); // a new session: everything retained is sent again
        }
        outbox.dueFirst(List.copyOf(retained.keySet())); // availability, then discovery, state
        List<String> filters =
                new ArrayList<>(List.of(topics.command(), topics.present(), topics.mode()));
        topics.discoveryStatus().ifPresent(filters::add);
        topics.revocations().ifPresent(filters::add);
        topics.revocations().ifPresent(t -> filters.add(t + "/+")); // each signer's own topic
        List<Packets.Subscription> subs = new ArrayList<>();
        filters.forEach(f -> subs.add(new Packets.Subscription(f, true)));
        // The probe comes back to the door itself: the one subscription without noLocal.
        subs.add(new Packets.Subscription(topics.probe(), false));
        List<Integer> codes;
        try {
            codes = s.subscribe(subs).get(SEND_TIMEOUT.toMillis(), MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            s.drop("no answer to SUBSCRIBE");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < filters.size() && i < codes.size(); i++) {
            if (ReasonCodes.refused(codes.get(i))) {
                refused.add(filters.get(i) + " (" + ReasonCodes.describe(codes.get(i)) + ")");
            }
        }
        boolean probeAllowed =
                codes.size() > filters.size() && !ReasonCodes.refused(codes.get(filters.size()));
        outbox.open(true);
        if (!refused.isEmpty()) {
            inbound(
                    Delivery.SUBSCRIPTION_REFUSED,
                    "the broker refused "
                            + String.join(", ", refused)
                            + ": let user "
                            + settings.username().orElse("(anonymous)")
                            + " read them in its ACL");
        } else if (!probeAllowed) {
            inbound(
                    Delivery.PROBE_NOT_PERMITTED,
                    "the broker refused the subscription to "
                            + topics.probe()
                            + ": delivery cannot be proven (let user "
                            + settings.username().orElse("(anonymous)")
                            + " read and write it)");
        } else if (health.inbound() == Delivery.DEGRADED) {
            // Still degraded until a probe comes back: a reconnect proves nothing yet.
            health = new Health(true, Delivery.DEGRADED, health.detail());
            outbox.due(topics.state());
        } else {
            health = new Health(true, Delivery.CHECKING, "");
            outbox.due(topics.state());
        }
        if (!refused.isEmpty() || !probeAllowed) {
            proven = true; // nothing to prove with; said so
        }
    }

    /**
     * While the session lasts: a probe now and then, which must come back; when it does not, the
     * session is dropped so that a new one subscribes afresh.
     */
    private void watch(Session s) {
        Duration next = FIRST_PROBE;
        try {
            while (!stopping && !awaitEndOrProbe(s, next)) {
                next = PROBE_EVERY;
                Delivery now = health.inbound();
                if (now == Delivery.PROBE_NOT_PERMITTED || now == Delivery.SUBSCRIPTION_REFUSED) {
                    continue; // nothing to prove with; said already
                }
                if (!probe(s)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the session's end, the next probe, or a probe asked for; true when it ended. */
    private boolean awaitEndOrProbe(Session s, Duration next) throws InterruptedException {
        long end = System.nanoTime() + next.toNanos();
        while (System.nanoTime() < end && !probeRequested) {
            if (s.awaitEnd(Duration.ofMillis(100))) {
                return true;
            }
        }
        probeRequested = false;
        return !s.isOpen();
    }

    /** Tests: send a probe now (the connector wakes within 0.1 s). */
    void probeNow() {
        probeRequested = true;
    }

    /** One probe; false when the session was dropped for it. */
    private boolean probe(Session s) throws InterruptedException {
        byte[] n = new byte[16];
        random.nextBytes(n);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(n);
        probeSeen = false;
        probeNonce = nonce;
        int code;
        try {
            code =
                    s.publish(
                                    topics.probe(),
                                    bytes(nonce),
                                    false,
                                    OptionalLong.of(PROBE_TIMEOUT.toSeconds() * 2),
                                    Optional.empty())
                            .get(SEND_TIMEOUT.toMillis(), MILLISECONDS);
        } catch (ExecutionException e) {
            return false; // the session ended
        } catch (TimeoutException e) {
            // A broker that keeps the connection but acknowledges nothing delivers nothing either.
            inbound(
                    Delivery.DEGRADED,
                    "the broker did not acknowledge the probe within "
                            + SEND_TIMEOUT.toSeconds()
                            + " s: the door may not receive what is sent to it; reconnecting");
            droppedByUs = true;
            s.drop("the broker acknowledges nothing");
            return false;
        }
        if (code == ReasonCodes.NOT_AUTHORIZED) {
            inbound(
                    Delivery.PROBE_NOT_PERMITTED,
                    "the broker refused the probe on "
                            + topics.probe()
                            + " ("
                            + ReasonCodes.describe(code)
                            + "): delivery cannot be proven");
            return true;
        }
        long end = System.nanoTime() + PROBE_TIMEOUT.toNanos();
        while (!probeSeen && System.nanoTime() < end && s.isOpen() && !stopping) {
            synchronized (wake) {
                wake.wait(100);
            }
        }
        if (probeSeen) {
            proven = true;
            long dropped = inboundDropped.get();
            if (dropped > droppedAtLastProbe) {
                // Delivered, but not all: more came than the door could take in.
                long lost = dropped - droppedAtLastProbe;
                droppedAtLastProbe = dropped;
                inbound(
                        Delivery.DEGRADED,
                        lost
                                + " message(s) from the broker dropped since the last probe: more"
                                + " arrived than the door can handle ("
                                + dropped
                                + " in all)");
                return true;
            }
            if (health.inbound() != Delivery.OK) {
                if (recovering) {
                    recovering = false;
                    event("inbound_ok", "a probe came back: the door receives again");
                }
                health = new Health(true, Delivery.OK, "");
                outbox.due(topics.state());
            }
            return true;
        }
        if (!s.isOpen() || stopping) {
            return false;
        }
        inbound(
                Delivery.DEGRADED,
                "a probe did not come back within "
                        + PROBE_TIMEOUT.toSeconds()
                        + " s ("
                        + ReasonCodes.describe(code)
                        + "): the door may not receive what is sent to it; reconnecting");
        droppedByUs = true;
        s.drop("inbound delivery stopped");
        return false;
    }

    private void inbound(Delivery state, String detail) {
        boolean changed = health.inbound() != state;
        recovering |= state == Delivery.DEGRADED || state == Delivery.PROBE_NOT_PERMITTED;
        health = new Health(session != null && session.isOpen(), state, detail);
        outbox.due(topics.state());
        if (changed || state == Delivery.DEGRADED) {
            Logger.warn("MQTT: {}", detail);
            event(state == Delivery.DEGRADED ? "inbound_degraded" : state.wireName(), detail);
        }
    }

    /** An audit record of the bridge's own, rate-limited like ignored messages. */
    private void event(String event, String detail) {
        OptionalLong held = events.admit("(bridge)", event, detail);
        if (held.isPresent()) {
            door.record(new AuditRecord.BridgeEvent(event, detail, held.getAsLong()));
        }
    }

    /** The session's callbacks, on its reader thread: hand over, never block. */
    private final class Listener implements Session.Listener {
        @Override
        public void message(Packets.Publish m) {
            if (deafenThisSession) {
                return;
            }
            // The probe queues with everything else: it proves that what the broker sends
            // reaches the door, not only the socket. A burst gets a moment; a flood is dropped,
            // counted, and reported (status, the state topic, the audit log).
            boolean queued;
            try {
                queued = inbound.offer(m, QUEUE_WAIT.toMillis(), MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                queued = false;
            }
            if (!queued) {
                long n = inboundDropped.incrementAndGet();
                event(
                        "inbound_dropped",
                        "messages from the broker dropped: more arrived than the door can handle ("
                                + n
                                + " in all)");
            }
        }

        @Override
        public void closed(String why, Optional<Throwable> cause) {
            outbox.open(false);
            boolean ours = droppedByUs || why.equals("closed by the door");
            droppedByUs = false;
            if (!stopping && !ours) {
                String p = cause.map(c -> Problems.describe(c, settings)).orElse(why);
                if (why.startsWith("protocol error") || why.startsWith("the broker disconnected")) {
                    p = why; // what is known of the message or the broker's reason
                }
                Logger.warn("MQTT: the connection ended: {}", p);
                lastProblem = p;
                event("disconnected", p);
            }
            synchronized (wake) {
                wake.notifyAll();
            }
        }
    }

    // ---- from the broker (the receiver thread)

    private void receive() {
        while (!stopping) {
            try {
                java.util.concurrent.CountDownLatch hold = holdReceiver;
                if (hold != null) {
                    hold.await();
                }
                Packets.Publish p = inbound.poll(IgnoredMessages.WINDOW.toMillis(), MILLISECONDS);
                if (p != null) {
                    received(p);
                }
                for (IgnoredMessages.Held h : ignored.due()) {
                    door.record(
                            new AuditRecord.RemoteIgnored(
                                    CLIENT, h.topic(), h.reason(), h.detail(), h.repeats()));
                }
                for (IgnoredMessages.Held h : events.due()) {
                    door.record(new AuditRecord.BridgeEvent(h.reason(), h.detail(), h.repeats()));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                Logger.error(e, "MQTT: a message could not be handled");
            }
        }
    }

    private void received(Packets.Publish p) {
        String topic = Names.forPeople(p.topic());
        if (!p.problems().isEmpty()) {
            ignore(topic, new Inbound.Ignored("MALFORMED", String.join("; ", p.problems())));
            return;
        }
        if (p.topic().equals(topics.probe())) {
            if (new String(p.payload(), StandardCharsets.ISO_8859_1).equals(probeNonce)) {
                probeSeen = true;
                synchronized (wake) {
                    wake.notifyAll();
                }
            } else {
                ignore(
                        topic,
                        new Inbound.Ignored("UNKNOWN_PROBE", "a probe this door did not send"));
            }
            return;
        }
        Optional<String> responseTopic = p.responseTopic();
        if (responseTopic.isPresent() && responseTopic.get().length() > MAX_RESPONSE_TOPIC) {
            ignore(
                    topic,
                    new Inbound.Ignored(
                            "MALFORMED",
                            "a response topic over " + MAX_RESPONSE_TOPIC + " characters"));
            return;
        }
        Inbound.Message m =
                new Inbound.Message(p.topic(), p.payload(), p.retain(), p.messageExpiry());
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
            case Inbound.InstallRevocations r -> installRevocations(topic, r);
            case Inbound.Rediscover r -> {
                discovery.ifPresent(d -> d.configs().forEach(c -> resend(c.topic())));
                resend(topics.state());
                resend(topics.availability());
            }
            case Inbound.Ignored i -> ignore(m.topic(), i);
            case Inbound.Nothing n -> {}
        }
    }

    private void installRevocations(String topic, Inbound.InstallRevocations r) {
        String text = r.text();
        if (gate.revocationsInstalled(text)) {
            return; // the retained list again, after a reconnect or a restart
        }
        Optional<AccessGate.ListSigner> signer = gate.listSigner(text);
        if (signer.isPresent()) {
            AccessGate.ListSigner s = signer.get();
            if (r.topicKid().isPresent() && !r.topicKid().get().equals(s.kid())) {
                ignore(
                        topic,
                        new Inbound.Ignored(
                                "WRONG_TOPIC",
                                "a list signed by "
                                        + s.kid()
                                        + " on the topic of "
                                        + r.topicKid().get()
                                        + ": each key's list goes on its own topic"));
                return;
            }
            if (r.topicKid().isEmpty() && !s.owner()) {
                ignore(
                        topic,
                        new Inbound.Ignored(
                                "WRONG_TOPIC",
                                "a list signed by "
                                        + s.kid()
                                        + ", which is not an owner key: it goes on "
                                        + topic
                                        + "/"
                                        + s.kid()));
                return;
            }
        }
        Outcome o = gate.installRevocations(text, CLIENT);
        if (o.granted()) {
            Logger.info("MQTT: {} from {}", o.detail(), topic);
        } else {
            Logger.warn(
                    "MQTT: revocation list on {} refused: {} ({})",
                    topic,
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

    /** The answer to a present or mode message: to its response topic if one, else result. */
    private void answer(Packets.Publish request, String kind, Outcome o) {
        ObjectNode body = Json.object();
        body.put("request", kind);
        body.put("granted", o.granted());
        o.refusal().ifPresent(r -> body.put("reason", r.name()));
        body.put("detail", o.detail());
        // Only under result: an answer must never pass for the door's state or events. (A response
        // topic with wildcards or an empty level never gets here: the message was refused.)
        String topic =
                request.responseTopic()
                        .filter(t -> t.startsWith(topics.result() + "/"))
                        .orElse(topics.result());
        Session s = session;
        if (s == null) {
            Logger.debug("MQTT: answer not sent: not connected");
            return;
        }
        try {
            // At most once: answers are not queued awaiting acknowledgement.
            s.publishAtMostOnce(topic, bytes(Json.write(body)), request.correlationData());
        } catch (IOException e) {
            Logger.debug("MQTT: answer not sent: {}", e.getMessage());
        }
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

    /**
     * A visit's receipt goes to {@code <prefix>/receipts/<issuer kid>} (QoS 1, not retained), so
     * that the broker's ACL can give each company its own receipts and nobody else's.
     */
    @Override
    public void onReceipt(String issuerKid, long n, String text) {
        outbox.event(topics.receipts(issuerKid), bytes(text));
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

    /** The bridge's health for status: {@code connected}, {@code inbound}, {@code detail}. */
    public ObjectNode healthJson() {
        Health h = health;
        ObjectNode o = Json.object();
        o.put("connected", h.connected());
        o.put("inbound", h.inbound().wireName());
        o.put("detail", h.detail());
        o.put("dropped", inboundDropped.get());
        return o;
    }

    public Health health() {
        return health;
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
                awaitSession();
            }
        }
    }

    /** One message, QoS 1; true once the broker acknowledged it (or refused it for good). */
    private boolean send(String topic, byte[] payload, boolean retain) {
        Session s = session;
        if (s == null || !s.isOpen()) {
            return false;
        }
        try {
            int code =
                    s.publish(topic, payload, retain, OptionalLong.empty(), Optional.empty())
                            .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (ReasonCodes.refused(code)) {
                Logger.warn(
                        "MQTT: the broker refused a message on {}: {} (check the ACL for user {})",
                        topic,
                        ReasonCodes.describe(code),
                        settings.username().orElse("(anonymous)"));
            }
            return true; // taken, or refused for good: trying again would be refused again
        } catch (ExecutionException e) {
            Logger.debug("MQTT: not sent on {}: {}", topic, e.getCause().getMessage());
            return false;
        } catch (TimeoutException e) {
            Logger.debug(
                    "MQTT: no acknowledgement on {} within {} s", topic, SEND_TIMEOUT.toSeconds());
            s.drop("no acknowledgement within " + SEND_TIMEOUT.toSeconds() + " s");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** After a failed send, wait (bounded) for a session before the next try. */
    private void awaitSession() {
        for (int i = 0; i < 20 && !stopping; i++) {
            Session s = session;
            if (s != null && s.isOpen()) {
                return;
            }
            synchronized (wake) {
                try {
                    wake.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
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

    /** The wait before the latest reconnect. */
    Duration lastBackoff() {
        return lastBackoff;
    }

    /** How many connections the bridge has made since it started. */
    public long connects() {
        return connects.get();
    }

    public boolean isConnected() {
        Session s = session;
        return s != null && s.isOpen();
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
        Session s = session;
        if (s != null && s.isOpen()) {
            try {
                s.publish(
                                topics.availability(),
                                bytes("offline"),
                                true,
                                OptionalLong.empty(),
                                Optional.empty())
                        .get(2, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Logger.debug("MQTT: clean disconnect failed: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            s.close();
        }
        synchronized (wake) {
            wake.notifyAll();
        }
        publisher.interrupt();
        receiver.interrupt();
        connector.interrupt();
        Logger.info("MQTT: stopped");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    MqttTopics topics() {
        return topics;
    }
}
