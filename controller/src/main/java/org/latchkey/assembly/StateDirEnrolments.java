package org.latchkey.assembly;

import org.latchkey.audit.AuditHistory;
import org.latchkey.audit.AuditLog;
import org.latchkey.config.DeviceConfig;
import org.latchkey.door.AuditRecord;
import org.latchkey.identity.DoorKeys;
import org.latchkey.store.EnrolmentStore;
import org.latchkey.store.OneTimeStore;
import org.latchkey.store.RevocationStore;
import org.latchkey.store.Storage;
import org.latchkey.store.TimeFloor;
import org.latchkey.token.Audience;
import org.latchkey.token.Enrolment;
import org.latchkey.token.EnrolmentVerifier;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.RevocationListVerifier;
import org.latchkey.token.SignedToken;
import org.latchkey.token.TokenRejectedException;
import org.latchkey.token.TrustStore;
import org.latchkey.token.TrustedIssuer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Enrolled keys while latchkeyd is down: the same checks and records the running door makes, on its
 * state directory, under its lock (held by the caller).
 */
public final class StateDirEnrolments {
    private StateDirEnrolments() {}

    /** The keys in force: the config's (but the door's own) and the enrolled ones that verify. */
    public static EnrolmentVerifier.Extended trusted(DeviceConfig config, Path state)
            throws IOException {
        Audience audience = DoorKeys.audience(config);
        List<TrustedIssuer> base = new ArrayList<>(config.trustStore().issuers());
        base.removeIf(i -> audience.doorId().map(i.kid()::equals).orElse(false));
        List<String> unreadable = new ArrayList<>();
        var kept = new EnrolmentStore(Storage.READ_ONLY, state).texts(unreadable);
        var extended = EnrolmentVerifier.extend(TrustStore.of(base), kept, audience);
        unreadable.addAll(extended.setAside());
        return new EnrolmentVerifier.Extended(extended.trust(), extended.enrolled(), unreadable);
    }

    /** Admits an enrolment as the door would: fresh, used once, kept, audited. */
    public static Enrolment enrol(DeviceConfig config, Path state, String text, InstantSource wall)
            throws TokenRejectedException, IOException {
        Instant now = wall.instant();
        Audience audience = DoorKeys.audience(config);
        EnrolmentVerifier.Extended trusted = trusted(config, state);
        RevocationListVerifier lists =
                new RevocationListVerifier(audience, config.fleetId(), trusted.trust());
        var revocations = RevocationStore.open(Storage.READ_ONLY, state, () -> lists).installed();
        Enrolment e =
                new EnrolmentVerifier(audience, trusted.trust(), config.clock().skew())
                        .verify(
                                SignedToken.accessToken(SignedToken.withoutLineEnd(text)),
                                now,
                                revocations);
        Optional<String> clash = trusted.clash(e.issuer());
        if (clash.isPresent()) {
            throw new TokenRejectedException(RejectionReason.ALREADY_TRUSTED, clash.get());
        }
        readyForRecords(state);
        OneTimeStore store = OneTimeStore.open(Storage.REAL, state);
        if (store.consume(e.signerKid(), e.jti(), e.expires())
                == OneTimeStore.Result.ALREADY_USED) {
            throw new TokenRejectedException(
                    RejectionReason.ALREADY_USED, "this enrolment was already used");
        }
        new EnrolmentStore(Storage.REAL, state).keep(e);
        audit(
                config,
                state,
                wall,
                new AuditRecord.OnceUsed(e.signerKid(), e.jti(), e.expires(), "enrolment"),
                new AuditRecord.IssuerEnrolled(
                        e.issuer().kid(),
                        e.issuer().name(),
                        e.signerKid(),
                        e.issuer().policy().describe()));
        return e;
    }

    /** Forgets an enrolled key, audited. */
    public static void remove(DeviceConfig config, Path state, Enrolment e, InstantSource wall)
            throws IOException {
        new EnrolmentStore(Storage.REAL, state).forget(e.issuer().kid());
        audit(
                config,
                state,
                wall,
                new AuditRecord.IssuerRemoved(e.issuer().kid(), e.issuer().name()));
    }

    /**
     * A door that never ran (an enrolment at installation) gets its time floor as its first start
     * would make it: records without one would be history without a floor — damage, and an
     * untrusted clock.
     */
    private static void readyForRecords(Path state) throws IOException {
        AuditHistory past = AuditHistory.read(state);
        boolean history = past.records() || Files.exists(state.resolve(OneTimeStore.FILE));
        TimeFloor.open(Storage.REAL, state, history, past.lastSeen());
    }

    private static void audit(
            DeviceConfig config, Path state, InstantSource wall, AuditRecord... records)
            throws IOException {
        readyForRecords(state);
        try (AuditLog audit =
                AuditLog.open(
                        Storage.REAL,
                        state,
                        AuditLog.Limits.of(config.auditMaxBytes()),
                        wall,
                        AuditLog.Health.IGNORED)) {
            for (AuditRecord r : records) {
                if (audit.append(r, wall.instant()).isEmpty()) {
                    throw new IOException("the audit log could not record it");
                }
            }
        }
    }
}
