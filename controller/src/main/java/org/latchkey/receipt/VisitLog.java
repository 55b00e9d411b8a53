package org.latchkey.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.door.AuditRecord;
import org.latchkey.door.DoorCommand;
import org.latchkey.door.DoorMachine;
import org.latchkey.door.DoorModel;
import org.latchkey.door.Grant;
import org.latchkey.door.Phase;
import org.latchkey.door.VisitRecorder;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.store.Storage;
import org.latchkey.token.Json;
import org.latchkey.token.Rfc3339;
import org.latchkey.token.SigningKey;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Turns the door's visits into signed receipts. A visit opens when a grant is answered granted and
 * ends with the machine's {@link DoorCommand.VisitEnded}; meanwhile what the door does is noted
 * (first open, last close, camera, alarms). The receipt is made once the door is at rest after the
 * end — bolt thrown (or jammed, or the door left unsecured, or stopped) and the camera's post-roll
 * over — or at once when another visit begins. The open visit is kept in {@code visit} in the state
 * directory, so that after a crash the next start issues its receipt as "interrupted".
 *
 * <p>Runs on the door's loop, except {@link #recorded}, which any thread may call.
 */
public final class VisitLog implements VisitRecorder {
    public static final String VISIT_FILE = "visit";

    /** What a receipt says when it is made, for those who pass it on. */
    public record Issued(Receipt receipt, String text, String issuerKid) {}

    private final Storage storage;
    private final Path visitFile;
    private final ReceiptStore store;
    private final SigningKey doorKey;
    private final String lockId;
    private final InstantSource clock;
    private final Consumer<AuditRecord> audit;
    private final Consumer<Issued> issued;

    private Visit open;
    private Visit ending;

    private long headSeq = -1;
    private String headHash = "";

    /**
     * @param audit appends a record to the audit log (and tells its observers)
     * @param issued told of every receipt made (MQTT)
     */
    public VisitLog(
            Storage storage,
            Path stateDir,
            ReceiptStore store,
            SigningKey doorKey,
            String lockId,
            InstantSource clock,
            Consumer<AuditRecord> audit,
            Consumer<Issued> issued) {
        this.clock = clock;
        this.storage = storage;
        this.visitFile = stateDir.resolve(VISIT_FILE);
        this.store = store;
        this.doorKey = doorKey;
        this.lockId = lockId;
        this.audit = audit;
        this.issued = issued;
    }

    /** A visit under way: what the receipt will say. */
    private static final class Visit {
        final long requestId;
        final String kid;
        final String jti;
        final String sub;
        final String role;
        final String use;
        final Instant grantedAt;
        Instant openedAt;
        Instant closedAt;
        Instant lockedAt;
        Instant cameraOn;
        Instant cameraOff;
        final List<String> alarms = new ArrayList<>();
        String ended;
        Instant endedAt;

        Visit(
                long requestId,
                String kid,
                String jti,
                String sub,
                String role,
                String use,
                Instant grantedAt) {
            this.requestId = requestId;
            this.kid = kid;
            this.jti = jti;
            this.sub = sub;
            this.role = role;
            this.use = use;
            this.grantedAt = grantedAt;
        }

        static Visit of(Grant g, Instant at) {
            var c = g.access().claims();
            return new Visit(
                    g.requestId(),
                    g.access().kid(),
                    c.tokenId(),
                    c.subject(),
                    c.role().wireName(),
                    c.use().wireName(),
                    at);
        }

        ObjectNode json() {
            ObjectNode o = Json.object();
            o.put("kid", kid).put("jti", jti).put("sub", sub).put("role", role).put("use", use);
            o.put("granted_at", Rfc3339.format(grantedAt));
            put(o, "opened_at", openedAt);
            put(o, "closed_at", closedAt);
            put(o, "locked_at", lockedAt);
            put(o, "camera_on", cameraOn);
            put(o, "camera_off", cameraOff);
            alarms.forEach(o.withArray("alarms")::add);
            return o;
        }

        static Visit read(JsonNode o) {
            Visit v =
                    new Visit(
                            -1,
                            o.path("kid").asText(),
                            o.path("jti").asText(),
                            o.path("sub").asText(),
                            o.path("role").asText(),
                            o.path("use").asText(),
                            Rfc3339.parse(o.path("granted_at").asText()));
            v.openedAt = time(o, "opened_at");
            v.closedAt = time(o, "closed_at");
            v.lockedAt = time(o, "locked_at");
            v.cameraOn = time(o, "camera_on");
            v.cameraOff = time(o, "camera_off");
            o.path("alarms").forEach(a -> v.alarms.add(a.asText()));
            return v;
        }

        private static void put(ObjectNode o, String name, Instant t) {
            if (t != null) {
                o.put(name, Rfc3339.format(t));
            }
        }

        private static Instant time(JsonNode o, String name) {
            return o.has(name) ? Rfc3339.parse(o.path(name).asText()) : null;
        }
    }

    /**
     * At start: a visit the last run left open (it crashed, or lost power) gets its receipt now, as
     * "interrupted".
     */
    public void recoverInterrupted() {
        Instant now = clock.instant();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(visitFile);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            Logger.error("{} cannot be read: {}", visitFile, e.getMessage());
            return;
        }
        Visit v;
        try {
            v = Visit.read(Json.read(new String(bytes, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            Logger.error("{} is damaged; the interrupted visit gets no receipt", visitFile);
            forget();
            return;
        }
        v.ended = "interrupted";
        v.endedAt = now;
        issue(v, now);
    }

    /** Where the audit chain stands when the door starts. */
    public synchronized void headAt(long seq, String hash) {
        headSeq = seq;
        headHash = hash;
    }

    /** The audit log's latest record (any thread): a receipt names the chain's head. */
    public synchronized void recorded(Optional<String> line) {
        if (line.isEmpty()) {
            return;
        }
        byte[] bytes = line.get().getBytes(StandardCharsets.UTF_8);
        try {
            headSeq = Json.read(line.get()).path("seq").asLong(-1);
            headHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (IOException | NoSuchAlgorithmException e) {
            Logger.error("the audit line cannot be read back: {}", e.getMessage());
        }
    }

    @Override
    public void transition(
            DoorModel before, DoorModel after, List<DoorCommand> commands, Instant at) {
        boolean changed = false;
        for (DoorCommand c : commands) {
            if (c instanceof DoorCommand.VisitEnded e
                    && open != null
                    && open.requestId == e.grant().requestId()) {
                if (ending != null) {
                    issue(ending, at);
                }
                open.ended = e.how();
                open.endedAt = at;
                ending = open;
                open = null;
                changed = true;
            }
        }
        Optional<Grant> held = DoorMachine.admitted(after.phase());
        for (DoorCommand c : commands) {
            if (c instanceof DoorCommand.Reply r
                    && r.outcome().granted()
                    && held.isPresent()
                    && held.get().requestId() == r.requestId()) {
                if (ending != null) {
                    issue(ending, at); // the camera is handed over to the next visit
                    ending = null;
                }
                open = Visit.of(held.get(), at);
                // What is already so when the visit begins (the camera started for this grant
                // while its token was checked; a door still open from the visit before).
                if (after.camera().recording()) {
                    open.cameraOn = at;
                }
                if (after.door() == DoorState.OPEN) {
                    open.openedAt = at;
                }
                changed = true;
            }
        }
        changed |= note(open, before, after, at);
        changed |= note(ending, before, after, at);
        if (ending != null && atRest(after)) {
            issue(ending, at);
            ending = null;
            changed = false;
        }
        if (changed) {
            keep();
        }
    }

    /** What the door did during the visit; whether anything changed. */
    private static boolean note(Visit v, DoorModel before, DoorModel after, Instant at) {
        if (v == null) {
            return false;
        }
        boolean changed = false;
        if (before.door() != after.door()) {
            if (after.door() == DoorState.OPEN && v.openedAt == null) {
                v.openedAt = at;
            }
            if (after.door() == DoorState.CLOSED && v.openedAt != null) {
                v.closedAt = at;
            }
            changed = true;
        }
        if (before.camera().recording() != after.camera().recording()) {
            if (after.camera().recording()) {
                if (v.cameraOn == null) {
                    v.cameraOn = at;
                }
            } else {
                v.cameraOff = at;
            }
            changed = true;
        }
        for (var a : after.alarms()) {
            if (!before.alarms().contains(a)) {
                v.alarms.add(a.name());
                changed = true;
            }
        }
        if (v.ended != null
                && after.bolt() == BoltPosition.LOCKED
                && before.bolt() != BoltPosition.LOCKED) {
            v.lockedAt = at;
            changed = true;
        }
        return changed;
    }

    /** Bolt and camera at rest: nothing more for the visit's receipt to wait for. */
    private static boolean atRest(DoorModel m) {
        if (m.phase() instanceof Phase.Stopped) {
            return true;
        }
        boolean moving =
                m.phase() instanceof Phase.Locking
                        || m.phase() instanceof Phase.Unlocking
                        || m.phase() instanceof Phase.Starting;
        return !moving && !m.camera().recording();
    }

    /** The open visit (or the one ending) kept on disk, for a receipt after a crash. */
    private void keep() {
        Visit v = open != null ? open : ending;
        if (v == null) {
            forget();
            return;
        }
        try {
            storage.replace(
                    visitFile, (Json.write(v.json()) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            Logger.warn("{} cannot be written: {}", visitFile, e.getMessage());
        }
    }

    private void forget() {
        try {
            storage.delete(visitFile);
        } catch (IOException e) {
            Logger.warn("{} cannot be removed: {}", visitFile, e.getMessage());
        }
    }

    private void issue(Visit v, Instant at) {
        long seq;
        String hash;
        synchronized (this) {
            seq = headSeq;
            hash = headHash;
        }
        long n = store.next();
        Receipt r =
                new Receipt(
                        n,
                        doorKey.publicKey().pid(),
                        lockId,
                        v.kid,
                        v.jti,
                        v.sub,
                        v.role,
                        v.use,
                        v.grantedAt,
                        Optional.ofNullable(v.openedAt),
                        Optional.ofNullable(v.closedAt),
                        Optional.ofNullable(v.lockedAt),
                        Optional.ofNullable(v.cameraOn),
                        Optional.ofNullable(v.cameraOff),
                        v.alarms,
                        v.ended,
                        v.endedAt,
                        seq,
                        hash,
                        at);
        String text = r.sign(doorKey);
        try {
            store.append(n, text);
        } catch (IOException e) {
            Logger.error("receipt {} cannot be stored: {}", n, e.getMessage());
        }
        audit.accept(new AuditRecord.ReceiptIssued(n, v.kid, v.jti, v.ended, sha256(text)));
        issued.accept(new Issued(r, text, v.kid));
        if (open == null) {
            forget();
        } else {
            keep();
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
