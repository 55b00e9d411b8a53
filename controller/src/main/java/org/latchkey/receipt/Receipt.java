package org.latchkey.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.token.DoorDocuments;
import org.latchkey.token.Json;
import org.latchkey.token.PublicKey;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.Rfc3339;
import org.latchkey.token.SigningKey;
import org.latchkey.token.TokenRejectedException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A visit receipt — proof of delivery: what the door saw of one grant's visit, signed by its door
 * key ({@code typ} "latchkey-receipt"; docs/token-profile.md, Visit receipts). It names the token
 * by its kid and jti, never holds the token itself.
 *
 * @param n this door's receipt number, 1, 2, … (gaps: receipts dropped from the bounded store)
 * @param openedAt the door first opened during the visit
 * @param closedAt the door last closed during the visit
 * @param lockedAt the bolt was confirmed thrown again
 * @param alarms alarms raised during the visit, in order
 * @param ended how it ended: relocked, not_opened, superseded, remote_lock, jammed, unsecured,
 *     shutdown, interrupted
 * @param auditSeq the seq of the audit log's last record of the visit
 * @param auditHash that record's SHA-256 (the chain's head after the visit)
 */
public record Receipt(
        long n,
        String doorId,
        String lockId,
        String kid,
        String jti,
        String sub,
        String role,
        String use,
        Instant grantedAt,
        Optional<Instant> openedAt,
        Optional<Instant> closedAt,
        Optional<Instant> lockedAt,
        Optional<Instant> cameraOn,
        Optional<Instant> cameraOff,
        List<String> alarms,
        String ended,
        Instant endedAt,
        long auditSeq,
        String auditHash,
        Instant issuedAt) {
    public static final String TYPE = "latchkey-receipt";

    public Receipt {
        alarms = List.copyOf(alarms);
    }

    public ObjectNode json() {
        ObjectNode o = Json.object();
        o.put("typ", TYPE);
        o.put("door", doorId);
        o.put("lock_id", lockId);
        o.put("n", n);
        o.put("kid", kid);
        o.put("jti", jti);
        o.put("sub", sub);
        o.put("role", role);
        o.put("use", use);
        o.put("granted_at", Rfc3339.format(grantedAt));
        openedAt.ifPresent(t -> o.put("opened_at", Rfc3339.format(t)));
        closedAt.ifPresent(t -> o.put("closed_at", Rfc3339.format(t)));
        lockedAt.ifPresent(t -> o.put("locked_at", Rfc3339.format(t)));
        cameraOn.ifPresent(t -> o.put("camera_on", Rfc3339.format(t)));
        cameraOff.ifPresent(t -> o.put("camera_off", Rfc3339.format(t)));
        ArrayNode a = o.putArray("alarms");
        alarms.forEach(a::add);
        o.put("ended", ended);
        o.put("ended_at", Rfc3339.format(endedAt));
        ObjectNode audit = o.putObject("audit");
        audit.put("seq", auditSeq);
        audit.put("hash", auditHash);
        o.put("iat", Rfc3339.format(issuedAt));
        return o;
    }

    public String sign(SigningKey door) {
        return DoorDocuments.sign(door, json());
    }

    /** A receipt the door key {@code door} signed, read back; refused if changed in any byte. */
    public static Receipt verify(String text, PublicKey door) throws TokenRejectedException {
        ObjectNode o = DoorDocuments.verify(text, door, TYPE);
        try {
            JsonNode audit = o.path("audit");
            List<String> alarms = new ArrayList<>();
            o.path("alarms").forEach(a -> alarms.add(a.asText()));
            return new Receipt(
                    number(o.get("n")),
                    text(o, "door"),
                    text(o, "lock_id"),
                    text(o, "kid"),
                    text(o, "jti"),
                    text(o, "sub"),
                    text(o, "role"),
                    text(o, "use"),
                    Rfc3339.parse(text(o, "granted_at")),
                    time(o, "opened_at"),
                    time(o, "closed_at"),
                    time(o, "locked_at"),
                    time(o, "camera_on"),
                    time(o, "camera_off"),
                    alarms,
                    text(o, "ended"),
                    Rfc3339.parse(text(o, "ended_at")),
                    number(audit.get("seq")),
                    text((ObjectNode) audit, "hash"),
                    Rfc3339.parse(text(o, "iat")));
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new TokenRejectedException(
                    RejectionReason.MALFORMED, "receipt: a field is missing or wrong");
        }
    }

    private static String text(ObjectNode o, String name) {
        JsonNode n = o.get(name);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException(name);
        }
        return n.textValue();
    }

    private static Optional<Instant> time(ObjectNode o, String name) {
        return o.has(name) ? Optional.of(Rfc3339.parse(text(o, name))) : Optional.empty();
    }

    private static long number(JsonNode n) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new IllegalArgumentException("not a whole number");
        }
        return n.longValue();
    }
}
