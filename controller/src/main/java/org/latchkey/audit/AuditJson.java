package org.latchkey.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.door.Alarm;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.AuditRecord.AlarmCleared;
import org.latchkey.door.AuditRecord.AlarmRaised;
import org.latchkey.door.AuditRecord.AuditPruned;
import org.latchkey.door.AuditRecord.Bolt;
import org.latchkey.door.AuditRecord.BoltJammed;
import org.latchkey.door.AuditRecord.BoltRetry;
import org.latchkey.door.AuditRecord.BridgeEvent;
import org.latchkey.door.AuditRecord.Camera;
import org.latchkey.door.AuditRecord.Checkpoint;
import org.latchkey.door.AuditRecord.ClockReset;
import org.latchkey.door.AuditRecord.Door;
import org.latchkey.door.AuditRecord.Genesis;
import org.latchkey.door.AuditRecord.Granted;
import org.latchkey.door.AuditRecord.IssuerEnrolled;
import org.latchkey.door.AuditRecord.IssuerRemoved;
import org.latchkey.door.AuditRecord.LockRequested;
import org.latchkey.door.AuditRecord.ModeChanged;
import org.latchkey.door.AuditRecord.OnceCompacted;
import org.latchkey.door.AuditRecord.OnceUsed;
import org.latchkey.door.AuditRecord.ReceiptIssued;
import org.latchkey.door.AuditRecord.RecordsLost;
import org.latchkey.door.AuditRecord.RefusalsSummary;
import org.latchkey.door.AuditRecord.Refused;
import org.latchkey.door.AuditRecord.Relock;
import org.latchkey.door.AuditRecord.RemoteIgnored;
import org.latchkey.door.AuditRecord.RevocationsInstalled;
import org.latchkey.door.AuditRecord.RevocationsRefused;
import org.latchkey.door.AuditRecord.Shutdown;
import org.latchkey.door.AuditRecord.Startup;
import org.latchkey.door.AuditRecord.StateDamaged;
import org.latchkey.door.AuditRecord.Stopped;
import org.latchkey.door.AuditRecord.TokenRef;
import org.latchkey.door.AuditRecord.TrustReloaded;
import org.latchkey.door.AuditRecord.Unrecognised;
import org.latchkey.door.Mode;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.token.Json;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.Rfc3339;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one mapping between audit records and JSON: the type name and the fields, in a fixed order,
 * as the audit log, the event stream and the MQTT events topic carry them. Each log line wraps
 * these fields in {@code seq}, {@code ts}, {@code type} before them and {@code prev} after.
 */
public final class AuditJson {
    /** Field names the chain itself uses; no record may carry them. */
    static final Set<String> CHAIN_FIELDS = Set.of("seq", "ts", "type", "prev");

    private AuditJson() {}

    /** The record's type name, e.g. {@code granted}. */
    public static String type(AuditRecord r) {
        return switch (r) {
            case Genesis x -> "genesis";
            case Startup x -> "startup";
            case Bolt x -> "bolt";
            case BoltRetry x -> "bolt_retry";
            case BoltJammed x -> "bolt_jammed";
            case Camera x -> "camera";
            case Granted x -> "granted";
            case Refused x -> "refused";
            case Door x -> "door";
            case Relock x -> "relock";
            case AlarmRaised x -> "alarm_raised";
            case AlarmCleared x -> "alarm_cleared";
            case ModeChanged x -> "mode";
            case LockRequested x -> "lock_requested";
            case RemoteIgnored x -> "remote_ignored";
            case BridgeEvent x -> "mqtt_bridge";
            case Shutdown x -> "shutdown";
            case Stopped x -> "stopped";
            case RefusalsSummary x -> "refusals_summary";
            case RevocationsInstalled x -> "revocations_installed";
            case RevocationsRefused x -> "revocations_refused";
            case TrustReloaded x -> "trust_reloaded";
            case RecordsLost x -> "records_lost";
            case AuditPruned x -> "audit_pruned";
            case StateDamaged x -> "state_damaged";
            case OnceCompacted x -> "once_compacted";
            case ClockReset x -> "clock_reset";
            case OnceUsed x -> "once_used";
            case IssuerEnrolled x -> "issuer_enrolled";
            case IssuerRemoved x -> "issuer_removed";
            case ReceiptIssued x -> "receipt";
            case Checkpoint x -> "checkpoint";
            case Unrecognised x -> x.type();
        };
    }

    /** The record's own fields, in order, without the chain's. */
    public static ObjectNode fields(AuditRecord r) {
        ObjectNode o = Json.object();
        switch (r) {
            case Genesis x -> {}
            case Startup x -> {
                o.put("door", x.door().name())
                        .put("bolt", x.bolt().name())
                        .put("mode", x.mode().name());
                x.modeSource().ifPresent(s -> o.put("mode_source", s));
            }
            case Bolt x -> {
                o.put("position", x.position().name());
                if (x.byHand()) {
                    o.put("by", "hand");
                }
            }
            case BoltRetry x ->
                    o.put("target", x.target().name())
                            .put("position", x.position().name())
                            .put("attempt", x.attempt());
            case BoltJammed x ->
                    o.put("target", x.target().name()).put("position", x.position().name());
            case Camera x -> o.put("recording", x.recording());
            case Granted x -> token(o, x.token());
            case Refused x -> token(o, x.token()).put("reason", x.reason().name());
            case Door x -> o.put("state", x.state().name());
            case Relock x -> o.put("why", x.why());
            case AlarmRaised x -> o.put("alarm", x.alarm().name());
            case AlarmCleared x -> o.put("alarm", x.alarm().name());
            case ModeChanged x -> o.put("from", x.from().name()).put("to", x.to().name());
            case LockRequested x -> o.put("source", x.source()).put("outcome", x.outcome());
            case RemoteIgnored x ->
                    o.put("source", x.source())
                            .put("topic", x.topic())
                            .put("reason", x.reason())
                            .put("detail", x.detail())
                            .put("repeats", x.repeats());
            case BridgeEvent x ->
                    o.put("event", x.event()).put("detail", x.detail()).put("repeats", x.repeats());
            case Shutdown x -> o.put("state", x.state());
            case Stopped x ->
                    o.put("state", x.state())
                            .put("door", x.door().name())
                            .put("bolt", x.bolt().name());
            case RefusalsSummary x -> {
                o.put("seconds", x.seconds());
                ObjectNode counts = o.putObject("counts");
                x.counts().forEach((reason, n) -> counts.put(reason.name(), n));
            }
            case RevocationsInstalled x -> {
                o.put("list_seq", x.listSeq()).put("tokens", x.tokens()).put("keys", x.keys());
                x.signer().ifPresent(k -> o.put("signer", k));
                if (x.fleet()) {
                    o.put("fleet", true);
                }
            }
            case RevocationsRefused x ->
                    o.put("reason", x.reason().name()).put("installed_seq", x.installedSeq());
            case TrustReloaded x -> o.put("issuers", x.issuers());
            case RecordsLost x ->
                    o.put("count", x.count())
                            .put("from", Rfc3339.format(x.from()))
                            .put("to", Rfc3339.format(x.to()));
            case AuditPruned x ->
                    o.put("removed", x.removed())
                            .put("records", x.records())
                            .put("first_seq", x.firstSeq())
                            .put("anchor", x.anchor());
            case StateDamaged x ->
                    o.put("file", x.file()).put("kept_as", x.keptAs()).put("problem", x.problem());
            case OnceCompacted x ->
                    o.put("dropped", x.dropped()).put("horizon", Rfc3339.format(x.horizon()));
            case ClockReset x ->
                    o.put("kid", x.kid())
                            .put("jti", x.jti())
                            .put("floor_before", Rfc3339.format(x.floorBefore()))
                            .put("floor", Rfc3339.format(x.floorNow()));
            case IssuerEnrolled x ->
                    o.put("kid", x.kid())
                            .put("name", x.name())
                            .put("by", x.by())
                            .put("policy", x.policy());
            case IssuerRemoved x -> o.put("kid", x.kid()).put("name", x.name());
            case OnceUsed x ->
                    o.put("kid", x.kid())
                            .put("jti", x.jti())
                            .put("exp", Rfc3339.format(x.exp()))
                            .put("why", x.why());
            case ReceiptIssued x ->
                    o.put("n", x.n())
                            .put("kid", x.kid())
                            .put("jti", x.jti())
                            .put("ended", x.ended())
                            .put("sha256", x.sha256());
            case Checkpoint x ->
                    o.put("covers_seq", x.coversSeq())
                            .put("head", x.head())
                            .put("signature", x.signature());
            case Unrecognised x -> x.fields().forEach((k, v) -> o.put(k, String.valueOf(v)));
        }
        return o;
    }

    private static ObjectNode token(ObjectNode o, TokenRef t) {
        o.put("kid", t.kid()).put("jti", t.jti());
        t.issuer().ifPresent(i -> o.put("issuer", i));
        o.put("sub", t.sub()).put("role", t.role());
        t.use().ifPresent(u -> o.put("use", u));
        t.exp().ifPresent(e -> o.put("exp", Rfc3339.format(e)));
        return o;
    }

    /** One log line: seq, ts, type, the record's fields, prev. */
    public static String line(long seq, Instant ts, AuditRecord r, String prev) {
        ObjectNode o = Json.object();
        o.put("seq", seq).put("ts", Rfc3339.format(ts)).put("type", type(r));
        o.setAll(fields(r));
        o.put("prev", prev);
        return Json.write(o);
    }

    /**
     * Reads a record back from a log line's object.
     *
     * @throws IllegalArgumentException when a known type's fields do not fit it
     */
    public static AuditRecord read(JsonNode line) {
        String type = line.path("type").asText("");
        try {
            return switch (type) {
                case "genesis" -> new Genesis();
                case "startup" ->
                        new Startup(
                                DoorState.valueOf(text(line, "door")),
                                BoltPosition.valueOf(text(line, "bolt")),
                                Mode.valueOf(text(line, "mode")),
                                optional(line, "mode_source"));
                case "bolt" ->
                        new Bolt(
                                BoltPosition.valueOf(text(line, "position")),
                                "hand".equals(line.path("by").asText()));
                case "bolt_retry" ->
                        new BoltRetry(
                                BoltPosition.valueOf(text(line, "target")),
                                BoltPosition.valueOf(text(line, "position")),
                                number(line, "attempt").intValue());
                case "bolt_jammed" ->
                        new BoltJammed(
                                BoltPosition.valueOf(text(line, "target")),
                                BoltPosition.valueOf(text(line, "position")));
                case "camera" -> new Camera(bool(line, "recording"));
                case "granted" -> new Granted(token(line));
                case "refused" ->
                        new Refused(token(line), RejectionReason.valueOf(text(line, "reason")));
                case "door" -> new Door(DoorState.valueOf(text(line, "state")));
                case "relock" -> new Relock(text(line, "why"));
                case "alarm_raised" -> new AlarmRaised(Alarm.valueOf(text(line, "alarm")));
                case "alarm_cleared" -> new AlarmCleared(Alarm.valueOf(text(line, "alarm")));
                case "mode" ->
                        new ModeChanged(
                                Mode.valueOf(text(line, "from")), Mode.valueOf(text(line, "to")));
                case "lock_requested" ->
                        new LockRequested(text(line, "source"), text(line, "outcome"));
                case "remote_ignored" ->
                        new RemoteIgnored(
                                text(line, "source"),
                                text(line, "topic"),
                                text(line, "reason"),
                                text(line, "detail"),
                                number(line, "repeats"));
                case "mqtt_bridge" ->
                        new BridgeEvent(
                                text(line, "event"), text(line, "detail"), number(line, "repeats"));
                case "shutdown" -> new Shutdown(text(line, "state"));
                case "stopped" ->
                        new Stopped(
                                text(line, "state"),
                                DoorState.valueOf(text(line, "door")),
                                BoltPosition.valueOf(text(line, "bolt")));
                case "refusals_summary" ->
                        new RefusalsSummary(number(line, "seconds"), counts(line.path("counts")));
                case "revocations_installed" ->
                        new RevocationsInstalled(
                                number(line, "list_seq"),
                                number(line, "tokens").intValue(),
                                number(line, "keys").intValue(),
                                optional(line, "signer"),
                                line.path("fleet").asBoolean(false));
                case "revocations_refused" ->
                        new RevocationsRefused(
                                RejectionReason.valueOf(text(line, "reason")),
                                number(line, "installed_seq"));
                case "trust_reloaded" -> new TrustReloaded(number(line, "issuers").intValue());
                case "records_lost" ->
                        new RecordsLost(
                                number(line, "count"),
                                Rfc3339.parse(text(line, "from")),
                                Rfc3339.parse(text(line, "to")));
                case "audit_pruned" ->
                        new AuditPruned(
                                text(line, "removed"),
                                number(line, "records"),
                                number(line, "first_seq"),
                                text(line, "anchor"));
                case "state_damaged" ->
                        new StateDamaged(
                                text(line, "file"), text(line, "kept_as"), text(line, "problem"));
                case "once_compacted" ->
                        new OnceCompacted(
                                number(line, "dropped"), Rfc3339.parse(text(line, "horizon")));
                case "clock_reset" ->
                        new ClockReset(
                                text(line, "kid"),
                                text(line, "jti"),
                                Rfc3339.parse(text(line, "floor_before")),
                                Rfc3339.parse(text(line, "floor")));
                case "issuer_enrolled" ->
                        new IssuerEnrolled(
                                text(line, "kid"),
                                text(line, "name"),
                                text(line, "by"),
                                text(line, "policy"));
                case "issuer_removed" -> new IssuerRemoved(text(line, "kid"), text(line, "name"));
                case "once_used" ->
                        new OnceUsed(
                                text(line, "kid"),
                                text(line, "jti"),
                                Rfc3339.parse(text(line, "exp")),
                                text(line, "why"));
                case "receipt" ->
                        new ReceiptIssued(
                                number(line, "n"),
                                text(line, "kid"),
                                text(line, "jti"),
                                text(line, "ended"),
                                text(line, "sha256"));
                case "checkpoint" ->
                        new Checkpoint(
                                number(line, "covers_seq"),
                                text(line, "head"),
                                text(line, "signature"));
                default -> unrecognised(type, line);
            };
        } catch (NullPointerException e) {
            throw new IllegalArgumentException(type + ": a field is missing", e);
        }
    }

    private static Unrecognised unrecognised(String type, JsonNode line) {
        Map<String, Object> fields = new LinkedHashMap<>();
        line.properties()
                .forEach(
                        e -> {
                            if (!CHAIN_FIELDS.contains(e.getKey())) {
                                fields.put(
                                        e.getKey(),
                                        e.getValue().isTextual()
                                                ? e.getValue().textValue()
                                                : e.getValue().toString());
                            }
                        });
        return new Unrecognised(type, fields);
    }

    private static TokenRef token(JsonNode line) {
        return new TokenRef(
                text(line, "kid"),
                text(line, "jti"),
                optional(line, "issuer"),
                text(line, "sub"),
                text(line, "role"),
                optional(line, "use"),
                optional(line, "exp").map(Rfc3339::parse));
    }

    private static Map<RejectionReason, Long> counts(JsonNode counts) {
        Map<RejectionReason, Long> out = new EnumMap<>(RejectionReason.class);
        counts.properties()
                .forEach(
                        e ->
                                out.put(
                                        RejectionReason.valueOf(e.getKey()),
                                        e.getValue().longValue()));
        return out;
    }

    private static String text(JsonNode line, String field) {
        JsonNode n = line.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException(field + " is not text");
        }
        return n.textValue();
    }

    private static Optional<String> optional(JsonNode line, String field) {
        return line.has(field) ? Optional.of(text(line, field)) : Optional.empty();
    }

    private static Long number(JsonNode line, String field) {
        JsonNode n = line.get(field);
        if (n == null || !n.isIntegralNumber()) {
            throw new IllegalArgumentException(field + " is not a whole number");
        }
        return n.longValue();
    }

    private static boolean bool(JsonNode line, String field) {
        JsonNode n = line.get(field);
        if (n == null || !n.isBoolean()) {
            throw new IllegalArgumentException(field + " is not true or false");
        }
        return n.booleanValue();
    }
}
