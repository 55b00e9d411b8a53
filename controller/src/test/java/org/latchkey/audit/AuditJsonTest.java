package org.latchkey.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.latchkey.door.Alarm;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.AuditRecord.TokenRef;
import org.latchkey.door.Mode;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.token.Json;
import org.latchkey.token.RejectionReason;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Every record type survives its line: written by AuditJson, read back equal. */
class AuditJsonTest {
    private static final TokenRef TOKEN =
            new TokenRef(
                    "k4.pid.x",
                    "jti-1",
                    Optional.of("acme"),
                    "courier-7",
                    "delivery",
                    Optional.of("once"),
                    Optional.of(Instant.parse("2026-11-25T11:00:00Z")));
    private static final Instant T = Instant.parse("2026-11-25T09:00:00Z");

    static List<AuditRecord> oneOfEach() {
        return List.of(
                new AuditRecord.Genesis(),
                new AuditRecord.Startup(
                        DoorState.CLOSED, BoltPosition.LOCKED, Mode.NORMAL, Optional.of("config")),
                new AuditRecord.Bolt(BoltPosition.UNLOCKED, true),
                new AuditRecord.BoltRetry(BoltPosition.LOCKED, BoltPosition.UNKNOWN, 2),
                new AuditRecord.BoltJammed(BoltPosition.LOCKED, BoltPosition.UNKNOWN),
                new AuditRecord.Camera(true),
                new AuditRecord.Granted(TOKEN),
                new AuditRecord.Refused(TOKEN, RejectionReason.REMOTE_LOCK),
                new AuditRecord.Door(DoorState.OPEN),
                new AuditRecord.Relock("max_unlocked reached"),
                new AuditRecord.AlarmRaised(Alarm.DOOR_AJAR),
                new AuditRecord.AlarmCleared(Alarm.DOOR_AJAR),
                new AuditRecord.ModeChanged(Mode.NORMAL, Mode.PRIVACY),
                new AuditRecord.LockRequested("mqtt", "locking"),
                new AuditRecord.RemoteIgnored(
                        "mqtt", "latchkey/front/command", "UNLOCK_REFUSED", "no plain UNLOCK", 3),
                new AuditRecord.Shutdown("LOCKED"),
                new AuditRecord.Stopped("LOCKED", DoorState.CLOSED, BoltPosition.LOCKED),
                new AuditRecord.RefusalsSummary(10, Map.of(RejectionReason.MALFORMED, 4L)),
                new AuditRecord.RevocationsInstalled(7, 2, 1),
                new AuditRecord.RevocationsRefused(RejectionReason.SEQ_NOT_NEWER, 7),
                new AuditRecord.TrustReloaded(3),
                new AuditRecord.RecordsLost(5, T, T.plusSeconds(60)),
                new AuditRecord.AuditPruned("audit.log.1", 100, 101, "ab".repeat(32)),
                new AuditRecord.StateDamaged("once.log", "once.log.damaged-1", "bad line 3"),
                new AuditRecord.OnceCompacted(3, T.minusSeconds(3600)),
                new AuditRecord.BridgeEvent("inbound_degraded", "a probe did not come back", 0),
                new AuditRecord.ClockReset(
                        "k4.pid." + "A".repeat(44), "reset-0000000000001", T.plusSeconds(86400), T),
                new AuditRecord.IssuerEnrolled(
                        "k4.pid." + "B".repeat(44),
                        "anna-phone",
                        "k4.pid." + "A".repeat(44),
                        "may sign every role (owner) · longest window 62d"),
                new AuditRecord.IssuerRemoved("k4.pid." + "B".repeat(44), "anna-phone"),
                new AuditRecord.OnceUsed(
                        "k4.pid." + "A".repeat(44),
                        "order-0000000001",
                        T.plusSeconds(3600),
                        "mode"),
                new AuditRecord.ReceiptIssued(
                        12,
                        "k4.pid." + "A".repeat(44),
                        "order-0000000001",
                        "relocked",
                        "cd".repeat(32)),
                new AuditRecord.Checkpoint(200, "ef".repeat(32), "v4.public.abc.def"),
                new AuditRecord.Unrecognised("from_the_future", Map.of("x", "1")));
    }

    @Test
    void everyRecordType_readsBackEqual_fromItsLine() throws Exception {
        Set<String> seen = new TreeSet<>();
        for (AuditRecord r : oneOfEach()) {
            String line = AuditJson.line(1, T, r, "0".repeat(64));
            assertEquals(r, AuditJson.read(Json.read(line)), line);
            seen.add(r.getClass().getSimpleName());
        }
        Set<String> all = new TreeSet<>();
        for (Class<?> c : AuditRecord.class.getPermittedSubclasses()) {
            all.add(c.getSimpleName());
        }
        assertEquals(all, seen, "one of each record type");
    }
}
