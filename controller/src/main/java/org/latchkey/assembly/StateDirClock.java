package org.latchkey.assembly;

import org.latchkey.audit.AuditHistory;
import org.latchkey.audit.AuditLog;
import org.latchkey.config.DeviceConfig;
import org.latchkey.door.AuditRecord;
import org.latchkey.identity.DoorKeys;
import org.latchkey.store.BootTime;
import org.latchkey.store.OneTimeStore;
import org.latchkey.store.RevocationStore;
import org.latchkey.store.Storage;
import org.latchkey.store.TimeFloor;
import org.latchkey.token.Audience;
import org.latchkey.token.ClockResetVerifier;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.RevocationListVerifier;
import org.latchkey.token.TokenRejectedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;

/**
 * An owner's clock reset applied to the state directory of a door whose daemon is not running,
 * exactly as the running door applies it (verified against this machine's clock, used once,
 * audited). The caller holds the state directory's lock.
 */
public final class StateDirClock {
    private StateDirClock() {}

    /** What the reset did. */
    public record Result(Instant floorBefore, Instant floorNow) {}

    public static Result reset(
            DeviceConfig config, Path state, String statement, InstantSource wall)
            throws TokenRejectedException, IOException {
        Instant now = wall.instant();
        Audience audience = DoorKeys.audience(config);
        RevocationListVerifier lists =
                new RevocationListVerifier(audience, config.fleetId(), config.trustStore());
        var revocations = RevocationStore.open(Storage.READ_ONLY, state, () -> lists).installed();
        ClockResetVerifier.Statement s =
                new ClockResetVerifier(audience, config.trustStore(), config.clock().skew())
                        .verify(statement, now, revocations);
        OneTimeStore store = OneTimeStore.open(Storage.REAL, state);
        AuditHistory past = AuditHistory.read(state);
        boolean history = past.records() || Files.exists(state.resolve(OneTimeStore.FILE));
        TimeFloor floor = TimeFloor.open(Storage.REAL, state, history, past.lastSeen());
        if (store.consume(s.kid(), s.jti(), s.expires()) == OneTimeStore.Result.ALREADY_USED) {
            throw new TokenRejectedException(
                    RejectionReason.ALREADY_USED, "this clock reset was already used");
        }
        try (AuditLog audit =
                AuditLog.open(
                        Storage.REAL,
                        state,
                        AuditLog.Limits.of(config.auditMaxBytes()),
                        wall,
                        AuditLog.Health.IGNORED)) {
            if (audit.failing()) {
                throw new IOException(
                        "the audit log cannot be written, so the reset would not be on record");
            }
            Instant before = floor.get();
            floor.reset(now, BootTime.SYSTEM.get());
            if (audit.append(
                                    new AuditRecord.OnceUsed(
                                            s.kid(), s.jti(), s.expires(), "clock_reset"),
                                    now)
                            .isEmpty()
                    || audit.append(new AuditRecord.ClockReset(s.kid(), s.jti(), before, now), now)
                            .isEmpty()) {
                throw new IOException(
                        "the time floor was reset, but the audit log could not record it");
            }
            return new Result(before, floor.get());
        }
    }
}
