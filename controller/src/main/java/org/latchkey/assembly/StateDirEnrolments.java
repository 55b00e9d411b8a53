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
import org.latchkey.token.ClockReading;
import org.latchkey.token.Enrolment;
import org.latchkey.token.EnrolmentVerifier;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.RevocationListVerifier;
import org.latchkey.token.RevocationLists;
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

    /** What the door trusts, and its installed revocation lists, as it would at its start. */
    public record Trust(EnrolmentVerifier.Extended keys, RevocationLists revocations) {}

    /**
     * The keys in force: the config's (but the door's own) and the enrolled ones that verify — none
     * enrolled by a revoked key.
     */
    public static EnrolmentVerifier.Extended trusted(DeviceConfig config, Path state)
            throws IOException {
        return trust(config, state).keys();
    }

    /** As the door builds it: the lists verified by every key, then the keys with the lists. */
    public static Trust trust(DeviceConfig config, Path state) throws IOException {
        Audience audience = DoorKeys.audience(config);
        List<TrustedIssuer> base = new ArrayList<>(config.trustStore().issuers());
        base.removeIf(i -> audience.doorId().map(i.kid()::equals).orElse(false));
        List<String> unreadable = new ArrayList<>();
        var kept = new EnrolmentStore(Storage.READ_ONLY, state).texts(unreadable);
        var all =
                EnrolmentVerifier.extend(TrustStore.of(base), kept, audience, RevocationLists.NONE);
        RevocationListVerifier lists =
                new RevocationListVerifier(
                        audience, config.fleetId(), all.trust(), all.enrolledKids());
        RevocationLists installed =
                RevocationStore.open(Storage.READ_ONLY, state, () -> lists).installed();
        var extended = EnrolmentVerifier.extend(TrustStore.of(base), kept, audience, installed);
        unreadable.addAll(extended.setAside());
        return new Trust(
                new EnrolmentVerifier.Extended(extended.trust(), extended.enrolled(), unreadable),
                installed);
    }

    /** Admits an enrolment as the door would: fresh, used once, kept, audited. */
    public static Enrolment enrol(DeviceConfig config, Path state, String text, InstantSource wall)
            throws TokenRejectedException, IOException {
        Instant now = wall.instant();
        Audience audience = DoorKeys.audience(config);
        Trust trust = trust(config, state);
        EnrolmentVerifier.Extended trusted = trust.keys();
        Instant floor = timeFloor(state).get();
        ClockReading clock =
                now.isBefore(floor)
                        ? new ClockReading.Untrusted(
                                now, floor, "it reads earlier than the door's time floor")
                        : new ClockReading.Trusted(now);
        Enrolment e =
                new EnrolmentVerifier(audience, trusted.trust(), config.clock().skew())
                        .verify(
                                SignedToken.accessToken(SignedToken.withoutLineEnd(text)),
                                clock,
                                trust.revocations());
        Optional<String> clash = trusted.clash(e.issuer(), e.signerKid());
        if (clash.isPresent()) {
            throw new TokenRejectedException(RejectionReason.ALREADY_TRUSTED, clash.get());
        }
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

    /**
     * Forgets an enrolled key and every key it enrolled (down the line), audited.
     *
     * @return what was forgotten
     */
    public static List<Enrolment> remove(
            DeviceConfig config, Path state, String kid, InstantSource wall) throws IOException {
        List<Enrolment> gone = trusted(config, state).withWhatItEnrolled(kid);
        timeFloor(state);
        EnrolmentStore store = new EnrolmentStore(Storage.REAL, state);
        List<AuditRecord> records = new ArrayList<>();
        for (Enrolment e : gone) {
            store.forget(e.issuer().kid());
            records.add(new AuditRecord.IssuerRemoved(e.issuer().kid(), e.issuer().name()));
        }
        audit(config, state, wall, records.toArray(AuditRecord[]::new));
        return gone;
    }

    /**
     * A door that never ran (an enrolment at installation) gets its time floor as its first start
     * would make it: records without one would be history without a floor — damage, and an
     * untrusted clock.
     */
    private static TimeFloor timeFloor(Path state) throws IOException {
        AuditHistory past = AuditHistory.read(state);
        boolean history = past.records() || Files.exists(state.resolve(OneTimeStore.FILE));
        return TimeFloor.open(Storage.REAL, state, history, past.lastSeen());
    }

    private static void audit(
            DeviceConfig config, Path state, InstantSource wall, AuditRecord... records)
            throws IOException {
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
