package org.latchkey.access;

import org.latchkey.door.AuditRecord;
import org.latchkey.door.AuditRecord.TokenRef;
import org.latchkey.door.Condition;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorEvent;
import org.latchkey.door.Mode;
import org.latchkey.door.Outcome;
import org.latchkey.door.StoreHealth;
import org.latchkey.store.EnrolmentStore;
import org.latchkey.store.OneTimeStore;
import org.latchkey.store.RevocationStore;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.ClockReading;
import org.latchkey.token.ClockResetVerifier;
import org.latchkey.token.Enrolment;
import org.latchkey.token.EnrolmentVerifier;
import org.latchkey.token.Names;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.RevocationList;
import org.latchkey.token.Rfc3339;
import org.latchkey.token.SignedToken;
import org.latchkey.token.TokenRejectedException;
import org.latchkey.token.TrustedIssuer;
import org.latchkey.token.Use;
import org.latchkey.token.VerifiedAccess;
import org.tinylog.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where signed texts enter, from the API, the scanner or the MQTT bridge, on the caller's thread:
 * access tokens, owner tokens for a mode change, revocation lists. Each takes one path: the
 * rate-limit prologue, one parse, one verification, and for a refusal one rule —
 *
 * <ul>
 *   <li>every refusal (but BUSY) is charged to the client's budget; over budget, only a well-formed
 *       text naming a trusted key, and not refused in the last ten minutes, is still verified: a
 *       flood never locks out a valid token, and a replay of a refused one is answered RATE_LIMITED
 *       without work;
 *   <li>a refusal is audited on its own record only when the text was signed by a trusted key and
 *       it is the text's first refusal in ten minutes; everything else (garbage, unknown keys, bad
 *       signatures, repeated refusals of one token, rate limiting) is counted and summarised once
 *       per period.
 * </ul>
 *
 * Verification runs here, in parallel, so a flood of bad tokens never queues in front of a good one
 * in the door's loop.
 */
public final class AccessGate {
    private final TrustReloader trust;
    private final EnrolmentStore enrolments;
    private final DoorController door;
    private final OneTimeStore store;
    private final RevocationStore revocations;
    private final ClockTrust clock;
    private final RateLimiter limiter;
    private final RejectionSummary summary;
    private final RepeatFilter repeats;
    private final Duration answerTimeout;
    private final StoreHealth health;
    private volatile Boolean lastTrusted;
    private volatile boolean lastSignerUntrusted;

    public AccessGate(
            TrustReloader trust,
            EnrolmentStore enrolments,
            DoorController door,
            OneTimeStore store,
            RevocationStore revocations,
            ClockTrust clock,
            RateLimiter limiter,
            RejectionSummary summary,
            Supplier<Duration> monotonic,
            Duration answerTimeout,
            StoreHealth health) {
        this.trust = trust;
        this.enrolments = enrolments;
        this.door = door;
        this.store = store;
        this.revocations = revocations;
        this.clock = clock;
        this.limiter = limiter;
        this.summary = summary;
        this.repeats = new RepeatFilter(monotonic);
        this.answerTimeout = answerTimeout;
        this.health = health;
    }

    /** What a text's check came to: the verified value, or the answer to give. */
    private sealed interface Checked<T> {
        /**
         * @param repeat the text was refused within the window: a refusal now is counted, not
         *     audited
         */
        record Passed<T>(T value, boolean repeat) implements Checked<T> {}

        record Refused<T>(Outcome outcome) implements Checked<T> {}
    }

    @FunctionalInterface
    private interface Verification<T> {
        T verify(SignedToken token, ClockReading clock) throws TokenRejectedException, IOException;
    }

    /**
     * A token presented at the door by {@code client} (an address, "scanner", "mqtt"): completes
     * with the answer.
     */
    public CompletableFuture<Outcome> present(String text, String client) {
        Checked<VerifiedAccess> checked =
                check(
                        text,
                        client,
                        false,
                        (token, now) ->
                                trust.verifier().verify(token, now, revocations.installed()),
                        AccessGate::refusedToken);
        if (checked instanceof Checked.Refused<VerifiedAccess> r) {
            return CompletableFuture.completedFuture(r.outcome());
        }
        var passed = (Checked.Passed<VerifiedAccess>) checked;
        VerifiedAccess access = passed.value();
        if (access.claims().use() == Use.ONCE
                && store.isUsed(access.kid(), access.claims().tokenId())) {
            return CompletableFuture.completedFuture(
                    refuseSigned(
                            client,
                            text,
                            new AuditRecord.Refused(
                                    TokenRef.of(access), RejectionReason.ALREADY_USED),
                            Outcome.refused(
                                    RejectionReason.ALREADY_USED,
                                    "this once token was already used")));
        }
        return door.present(access, !passed.repeat())
                .completeOnTimeout(
                        Outcome.refused(RejectionReason.BUSY, "the door did not answer in time"),
                        answerTimeout.toMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS)
                .thenApply(
                        o -> {
                            o.refusal()
                                    .filter(reason -> reason != RejectionReason.BUSY)
                                    .ifPresent(
                                            reason -> {
                                                limiter.charge(client);
                                                repeats.firstRefusal(text);
                                                if (passed.repeat()) {
                                                    summary.count(
                                                            reason); // the door kept quiet about a
                                                    // repeat: counted here
                                                }
                                            });
                            return o;
                        });
    }

    /**
     * Switches the operating mode, authorised by an owner token (role owner, from an owner key). A
     * {@code window} token is not consumed; a {@code once} token is (a used one is refused
     * ALREADY_USED). Completes once the door has saved the mode, or says why it did not.
     */
    public CompletableFuture<Outcome> changeMode(Mode mode, String ownerToken, String client) {
        Optional<Outcome> refused = ownerAuthority(ownerToken, client, "mode", "change the mode");
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(refused.get());
        }
        return door.changeMode(mode)
                .completeOnTimeout(
                        Outcome.refused(RejectionReason.BUSY, "the door did not answer in time"),
                        answerTimeout.toMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Checks an owner token (role owner, from an owner key) that authorises {@code what}: a {@code
     * once} token is consumed. Empty when it may go ahead, else the answer to give.
     */
    private Optional<Outcome> ownerAuthority(
            String ownerToken, String client, String usedFor, String what) {
        Checked<VerifiedAccess> checked =
                check(
                        ownerToken,
                        client,
                        false,
                        (token, now) ->
                                trust.verifier().verify(token, now, revocations.installed()),
                        AccessGate::refusedToken);
        if (checked instanceof Checked.Refused<VerifiedAccess> r) {
            return Optional.of(r.outcome());
        }
        VerifiedAccess access = ((Checked.Passed<VerifiedAccess>) checked).value();
        if (access.claims().role() != org.latchkey.token.Role.OWNER
                || !access.issuer().policy().isOwner()) {
            return Optional.of(
                    refuseSigned(
                            client,
                            ownerToken,
                            new AuditRecord.Refused(
                                    TokenRef.of(access), RejectionReason.ROLE_NOT_ALLOWED),
                            Outcome.refused(
                                    RejectionReason.ROLE_NOT_ALLOWED,
                                    "only an owner token may " + what)));
        }
        if (access.claims().use() == Use.ONCE) {
            AccessClaims c = access.claims();
            try {
                OneTimeStore.Result result = store.consume(access.kid(), c.tokenId(), c.expires());
                health.ok(StoreHealth.Part.ONE_TIME_STORE);
                if (result == OneTimeStore.Result.ALREADY_USED) {
                    return Optional.of(
                            refuseSigned(
                                    client,
                                    ownerToken,
                                    new AuditRecord.Refused(
                                            TokenRef.of(access), RejectionReason.ALREADY_USED),
                                    Outcome.refused(
                                            RejectionReason.ALREADY_USED,
                                            "this once token was already used")));
                }
                door.record(
                        new AuditRecord.OnceUsed(access.kid(), c.tokenId(), c.expires(), usedFor));
            } catch (IOException e) {
                health.failed(StoreHealth.Part.ONE_TIME_STORE);
                return Optional.of(
                        Outcome.refused(
                                RejectionReason.STORE_UNAVAILABLE,
                                "the one-time store cannot be written"));
            }
        }
        return Optional.empty();
    }

    /**
     * Removes an enrolled key, authorised by an owner token: the key (and any key only it enrolled)
     * is no longer trusted.
     */
    public Outcome removeEnrolment(String kid, String ownerToken, String client) {
        if (trust.keys().enrolment(kid).isEmpty()) {
            return Outcome.refused(RejectionReason.UNKNOWN_KEY, "no enrolled key " + kid);
        }
        Optional<Outcome> refused =
                ownerAuthority(ownerToken, client, "issuer_remove", "remove an enrolled key");
        if (refused.isPresent()) {
            return refused.get();
        }
        List<Enrolment> gone;
        synchronized (enrolments) {
            gone = trust.keys().withWhatItEnrolled(kid);
            try {
                for (Enrolment e : gone) {
                    enrolments.forget(e.issuer().kid());
                }
            } catch (IOException e) {
                return Outcome.refused(
                        RejectionReason.STORE_UNAVAILABLE,
                        "the enrolment could not be removed: " + e.getMessage());
            } finally {
                trust.enrolmentsChanged();
            }
        }
        for (Enrolment e : gone) {
            door.record(new AuditRecord.IssuerRemoved(e.issuer().kid(), e.issuer().name()));
            Logger.warn(
                    "enrolled key '{}' ({}) removed",
                    Names.forPeople(e.issuer().name()),
                    e.issuer().kid());
        }
        return Outcome.granted(
                String.join(", ", gone.stream().map(e -> "'" + e.issuer().name() + "'").toList())
                        + " no longer trusted");
    }

    /**
     * What a scanner reads: an owner's enrolment goes to {@link #enrol}, anything else is a token
     * presented at the door.
     */
    public CompletableFuture<Outcome> presentOrEnrol(String text, String client) {
        return Enrolment.claimsToBe(text)
                ? CompletableFuture.completedFuture(enrol(text, client))
                : present(text, client);
    }

    /** The keys in force, the enrolled ones with who enrolled them. */
    public EnrolmentVerifier.Extended trusted() {
        return trust.keys();
    }

    /**
     * Installs a revocation list (verified against the installed ones, stored, fsync'ed) and audits
     * it.
     */
    public Outcome installRevocations(String text, String client) {
        Checked<RevocationList> checked =
                check(
                        text,
                        client,
                        true,
                        (token, now) -> revocations.install(token),
                        e ->
                                new AuditRecord.RevocationsRefused(
                                        e.reason(), revocations.installed().lock().seq()));
        if (checked instanceof Checked.Refused<RevocationList> r) {
            return r.outcome();
        }
        RevocationList list = ((Checked.Passed<RevocationList>) checked).value();
        health.ok(StoreHealth.Part.REVOCATIONS);
        door.record(
                new AuditRecord.RevocationsInstalled(
                        list.seq(),
                        list.tokenIds().size(),
                        list.keyIds().size(),
                        list.signer(),
                        list.scope() == RevocationList.Scope.FLEET));
        checkRevocationSigner();
        trust.enrolmentsChanged(); // a revoked key's enrolments, and what they enrolled, go
        return Outcome.granted(
                list.slot().describe().replace("list", "revocation list")
                        + " "
                        + list.seq()
                        + " installed");
    }

    /**
     * An owner's signed statement of the time (a clock reset): verified against this door's clock,
     * used once (its id goes into the one-time store), then the time floor is set to now and the
     * clock may be believed again. The compaction horizon stays: no used once token reopens.
     */
    public Outcome resetClock(String text, String client) {
        Checked<ClockResetVerifier.Statement> checked =
                check(
                        text,
                        client,
                        false,
                        (token, reading) ->
                                trust.clockResetVerifier()
                                        .verify(token, reading.now(), revocations.installed()),
                        e -> new AuditRecord.Refused(TokenRef.of(e), e.reason()));
        if (checked instanceof Checked.Refused<ClockResetVerifier.Statement> r) {
            return r.outcome();
        }
        ClockResetVerifier.Statement s =
                ((Checked.Passed<ClockResetVerifier.Statement>) checked).value();
        synchronized (clock) {
            try {
                if (store.consume(s.kid(), s.jti(), s.expires())
                        == OneTimeStore.Result.ALREADY_USED) {
                    return refuseSigned(
                            client,
                            text,
                            new AuditRecord.Refused(
                                    new TokenRef(
                                            s.kid(),
                                            s.jti(),
                                            Optional.empty(),
                                            "",
                                            "owner",
                                            Optional.of("once")),
                                    RejectionReason.ALREADY_USED),
                            Outcome.refused(
                                    RejectionReason.ALREADY_USED,
                                    "this clock reset was already used"));
                }
                health.ok(StoreHealth.Part.ONE_TIME_STORE);
                Instant before = clock.floor();
                Instant now = clock.reset();
                door.record(new AuditRecord.OnceUsed(s.kid(), s.jti(), s.expires(), "clock_reset"));
                door.record(new AuditRecord.ClockReset(s.kid(), s.jti(), before, now));
                checkClock();
                Logger.warn(
                        "clock reset by an owner: the time floor went from {} to {}", before, now);
                return Outcome.granted("time floor reset to " + Rfc3339.format(now));
            } catch (IOException e) {
                health.failed(StoreHealth.Part.ONE_TIME_STORE);
                return Outcome.refused(
                        RejectionReason.STORE_UNAVAILABLE,
                        "the clock reset could not be stored: " + e.getMessage());
            }
        }
    }

    /**
     * An owner's enrolment of another key (a phone's), presented at the scanner or over the API:
     * verified (fresh, used once: its id goes into the one-time store), kept in the state
     * directory, audited; the key is trusted from then on. It opens nothing.
     */
    public Outcome enrol(String text, String client) {
        Checked<Enrolment> checked =
                check(
                        text,
                        client,
                        false,
                        (token, reading) ->
                                trust.enrolmentVerifier()
                                        .verify(token, reading, revocations.installed()),
                        e -> new AuditRecord.Refused(TokenRef.of(e), e.reason()));
        if (checked instanceof Checked.Refused<Enrolment> r) {
            return r.outcome();
        }
        Enrolment e = ((Checked.Passed<Enrolment>) checked).value();
        TrustedIssuer issuer = e.issuer();
        synchronized (enrolments) {
            Optional<String> clash = trust.keys().clash(issuer, e.signerKid());
            if (clash.isPresent()) {
                return refuseSigned(
                        client,
                        text,
                        new AuditRecord.Refused(enrolmentRef(e), RejectionReason.ALREADY_TRUSTED),
                        Outcome.refused(RejectionReason.ALREADY_TRUSTED, clash.get()));
            }
            try {
                if (store.consume(e.signerKid(), e.jti(), e.expires())
                        == OneTimeStore.Result.ALREADY_USED) {
                    return refuseSigned(
                            client,
                            text,
                            new AuditRecord.Refused(enrolmentRef(e), RejectionReason.ALREADY_USED),
                            Outcome.refused(
                                    RejectionReason.ALREADY_USED,
                                    "this enrolment was already used"));
                }
                health.ok(StoreHealth.Part.ONE_TIME_STORE);
                door.record(
                        new AuditRecord.OnceUsed(e.signerKid(), e.jti(), e.expires(), "enrolment"));
                enrolments.keep(e);
                trust.enrolmentsChanged();
                if (trust.keys().enrolment(issuer.kid()).isEmpty()) {
                    // Its signer went while it was checked (removed meanwhile): not kept.
                    enrolments.forget(issuer.kid());
                    trust.enrolmentsChanged();
                    return Outcome.refused(
                            RejectionReason.UNKNOWN_KEY,
                            "its signer is no longer trusted: nothing was enrolled");
                }
            } catch (IOException x) {
                health.failed(StoreHealth.Part.ONE_TIME_STORE);
                trust.enrolmentsChanged();
                return Outcome.refused(
                        RejectionReason.STORE_UNAVAILABLE,
                        "the enrolment could not be stored: " + x.getMessage());
            }
        }
        door.record(
                new AuditRecord.IssuerEnrolled(
                        issuer.kid(), issuer.name(), e.signerKid(), issuer.policy().describe()));
        Logger.warn(
                "key '{}' ({}) enrolled by owner key {}: {}",
                Names.forPeople(issuer.name()),
                issuer.kid(),
                e.signerKid(),
                issuer.policy().describe());
        return Outcome.granted("'" + issuer.name() + "' enrolled: " + issuer.policy().describe());
    }

    private static TokenRef enrolmentRef(Enrolment e) {
        return new TokenRef(
                e.signerKid(),
                e.jti(),
                Optional.empty(),
                e.issuer().name(),
                "owner",
                Optional.of("once"));
    }

    /** Who a signed list says signed it (the footer's kid), and whether that is an owner key. */
    public record ListSigner(String kid, boolean owner) {}

    /**
     * The signer a list names, if it is well-formed enough to say: where it may be published is
     * decided before it is verified (which checks the signature, and audits).
     */
    public Optional<ListSigner> listSigner(String text) {
        try {
            SignedToken t = SignedToken.document(SignedToken.withoutLineEnd(text));
            return Optional.of(new ListSigner(t.kid(), revocations.ownerKey(t.kid())));
        } catch (TokenRejectedException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether this exact signed list is the one installed (a retained list comes again on every
     * reconnect: nothing to do, nothing to audit).
     */
    public boolean revocationsInstalled(String text) {
        String t = SignedToken.withoutLineEnd(text);
        var installed = revocations.installed();
        return t.equals(installed.lock().signedText()) || t.equals(installed.fleet().signedText());
    }

    /**
     * The one path: rate-limit prologue, one parse, one verification, the refusal rule (see the
     * class comment).
     */
    private <T> Checked<T> check(
            String text,
            String client,
            boolean document,
            Verification<T> verification,
            Function<TokenRejectedException, AuditRecord> refusalRecord) {
        boolean overBudget = !limiter.allows(client);
        SignedToken token;
        try {
            token = document ? SignedToken.document(text) : SignedToken.accessToken(text);
        } catch (TokenRejectedException e) {
            return overBudget ? rateLimited() : refused(client, text, e, refusalRecord);
        }
        boolean repeat = repeats.refusedRecently(text);
        if (overBudget && (repeat || !trust.verifier().trusts(token.kid()))) {
            return rateLimited();
        }
        try {
            return new Checked.Passed<>(verification.verify(token, checkClock()), repeat);
        } catch (TokenRejectedException e) {
            return refused(client, text, e, refusalRecord);
        } catch (IOException e) {
            Logger.error("the state directory cannot be written: {}", e.getMessage());
            health.failed(StoreHealth.Part.REVOCATIONS); // (the one verification that writes)
            return new Checked.Refused<>(
                    Outcome.refused(
                            RejectionReason.STORE_UNAVAILABLE,
                            "it could not be stored: " + e.getMessage()));
        }
    }

    private <T> Checked<T> rateLimited() {
        summary.count(RejectionReason.RATE_LIMITED);
        return new Checked.Refused<>(
                Outcome.refused(
                        RejectionReason.RATE_LIMITED, "too many refused attempts; slow down"));
    }

    private <T> Checked<T> refused(
            String client,
            String text,
            TokenRejectedException e,
            Function<TokenRejectedException, AuditRecord> refusalRecord) {
        Outcome answer = Outcome.refused(e.reason(), e.detail());
        if (e.signer().isEmpty()) {
            limiter.charge(client);
            summary.count(e.reason());
            return new Checked.Refused<>(answer);
        }
        return new Checked.Refused<>(refuseSigned(client, text, refusalRecord.apply(e), answer));
    }

    /**
     * A refusal of a text a trusted key signed: charged; audited the first time in the window,
     * counted after.
     */
    private Outcome refuseSigned(String client, String text, AuditRecord record, Outcome answer) {
        limiter.charge(client);
        if (repeats.firstRefusal(text)) {
            door.record(record);
        } else {
            summary.count(answer.refusal().orElseThrow());
        }
        return answer;
    }

    private static AuditRecord refusedToken(TokenRejectedException e) {
        return new AuditRecord.Refused(TokenRef.of(e), e.reason());
    }

    /** Reads the clock's trust and tells the door when it changed. */
    public ClockReading checkClock() {
        ClockReading reading = clock.read();
        boolean trusted = reading instanceof ClockReading.Trusted;
        if (lastTrusted == null || trusted != lastTrusted) {
            lastTrusted = trusted;
            door.post(new DoorEvent.ConditionChanged(Condition.CLOCK_UNTRUSTED, !trusted));
        }
        return reading;
    }

    /** Tells the door whether an installed revocation list's signer is still trusted. */
    public void checkRevocationSigner() {
        boolean untrusted = revocations.signerUntrusted();
        if (untrusted != lastSignerUntrusted) {
            lastSignerUntrusted = untrusted;
            door.post(
                    new DoorEvent.ConditionChanged(
                            Condition.REVOCATION_SIGNER_UNTRUSTED, untrusted));
        }
    }
}
