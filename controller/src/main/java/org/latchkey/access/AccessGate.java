package org.latchkey.access;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorEvent;
import org.latchkey.door.Outcome;
import org.latchkey.store.OneTimeStore;
import org.latchkey.store.RevocationStore;
import org.latchkey.token.AccessTokenVerifier;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.RevocationList;
import org.latchkey.token.TokenRejectedException;
import org.latchkey.token.UnverifiedToken;
import org.latchkey.token.VerifiedAccess;
import org.tinylog.Logger;

/**
 * Where presented tokens enter, from the API or the scanner, on the caller's thread: rate limit, verify,
 * one-time pre-check, then the door decides. Verification runs here, in parallel, so a flood of bad tokens
 * never queues in front of a good one in the door's loop.
 */
public final class AccessGate {
    private final Supplier<AccessTokenVerifier> verifier;
    private final DoorController door;
    private final OneTimeStore store;
    private final RevocationStore revocations;
    private final ClockTrust clock;
    private final RateLimiter limiter;
    private final RejectionSummary summary;
    private final Duration answerTimeout;
    private volatile boolean lastTrusted = true;

    public AccessGate(Supplier<AccessTokenVerifier> verifier, DoorController door, OneTimeStore store, RevocationStore revocations,
            ClockTrust clock, RateLimiter limiter, RejectionSummary summary, Duration answerTimeout) {
        this.verifier = verifier;
        this.door = door;
        this.store = store;
        this.revocations = revocations;
        this.clock = clock;
        this.limiter = limiter;
        this.summary = summary;
        this.answerTimeout = answerTimeout;
    }

    /** A token presented at the door by {@code client} (an address, or "scanner"). Blocks until the door answers. */
    public Outcome present(String text, String client) {
        if (!limiter.allows(client) && !worthVerifying(text)) {
            summary.count(RejectionReason.RATE_LIMITED);
            return Outcome.refused(RejectionReason.RATE_LIMITED, "too many refused attempts; slow down");
        }
        boolean trusted = checkClock();
        VerifiedAccess access;
        try {
            access = verifier.get().verify(text, trusted, revocations.installed());
        } catch (TokenRejectedException e) {
            limiter.charge(client);
            if (RejectionSummary.summarised(e.reason())) {
                summary.count(e.reason());
            } else {
                auditRefusal(text, e.reason());
            }
            return Outcome.refused(e.reason(), e.detail());
        }
        if (access.issuedAheadOfClock()) {
            clock.issuedAhead(access.claims().issuedAt());
            checkClock();
        }
        if (access.claims().use() == org.latchkey.token.Use.ONCE
                && store.isUsed(access.kid(), access.claims().tokenId())) {
            auditRefusal(text, RejectionReason.ALREADY_USED);
            return Outcome.refused(RejectionReason.ALREADY_USED, "this once token was already used");
        }
        try {
            return door.present(access).get(answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Outcome.refused(RejectionReason.BUSY, "the door did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.refused(RejectionReason.BUSY, "interrupted");
        } catch (ExecutionException e) {
            Logger.error(e.getCause(), "door failed to answer");
            return Outcome.refused(RejectionReason.BUSY, "internal error");
        }
    }

    /** Installs a revocation list (verified against the installed one) and audits it. */
    public Outcome installRevocations(String text, String client) {
        if (!limiter.allows(client) && !worthVerifying(text)) {
            summary.count(RejectionReason.RATE_LIMITED);
            return Outcome.refused(RejectionReason.RATE_LIMITED, "too many refused attempts; slow down");
        }
        try {
            RevocationList list = revocations.install(text);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("list_seq", list.seq());
            f.put("tokens", list.tokenIds().size());
            f.put("keys", list.keyIds().size());
            door.record("revocations_installed", f);
            return Outcome.granted("revocation list " + list.seq() + " installed");
        } catch (TokenRejectedException e) {
            limiter.charge(client);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("reason", e.reason().name());
            f.put("installed_seq", revocations.installed().seq());
            door.record("revocations_refused", f);
            return Outcome.refused(e.reason(), e.detail());
        } catch (IOException e) {
            door.post(new DoorEvent.StoreHealth(false));
            return Outcome.refused(RejectionReason.STORE_UNAVAILABLE, "the list could not be stored: " + e.getMessage());
        }
    }

    /**
     * Switches the operating mode, authorised by an owner token (role owner, from an owner key) presented as
     * the bearer. The token is verified like any other but not consumed.
     */
    public Outcome changeMode(org.latchkey.door.Mode mode, String ownerToken, String client) {
        if (!limiter.allows(client) && !worthVerifying(ownerToken)) {
            summary.count(RejectionReason.RATE_LIMITED);
            return Outcome.refused(RejectionReason.RATE_LIMITED, "too many refused attempts; slow down");
        }
        VerifiedAccess access;
        try {
            access = verifier.get().verify(ownerToken, checkClock(), revocations.installed());
        } catch (TokenRejectedException e) {
            limiter.charge(client);
            summary.count(e.reason());
            return Outcome.refused(e.reason(), e.detail());
        }
        if (access.claims().role() != org.latchkey.token.Role.OWNER || !access.issuer().policy().isOwner()) {
            limiter.charge(client);
            auditRefusal(ownerToken, RejectionReason.ROLE_NOT_ALLOWED);
            return Outcome.refused(RejectionReason.ROLE_NOT_ALLOWED, "only an owner token may change the mode");
        }
        door.post(new DoorEvent.ModeChange(mode));
        return Outcome.granted("mode " + mode.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Evaluates clock trust and tells the door when it changed. */
    public boolean checkClock() {
        boolean trusted = clock.trusted();
        if (trusted != lastTrusted) {
            lastTrusted = trusted;
            door.post(new DoorEvent.ClockTrust(trusted));
        }
        return trusted;
    }

    /** Over the limit, only a well-formed token naming a trusted key is still worth a signature check. */
    private boolean worthVerifying(String text) {
        try {
            UnverifiedToken t = UnverifiedToken.read(text);
            return verifierKnows(t.kid());
        } catch (TokenRejectedException e) {
            return false;
        }
    }

    private boolean verifierKnows(String kid) {
        return verifier.get().trusts(kid);
    }

    /** A refusal of a token signed by a trusted key: audited on its own, with its ids but never the token. */
    private void auditRefusal(String text, RejectionReason reason) {
        Map<String, Object> f = new LinkedHashMap<>();
        try {
            UnverifiedToken t = UnverifiedToken.read(text);
            f.put("kid", t.kid());
            f.put("jti", t.claims().path("jti").asText(""));
            f.put("sub", t.claims().path("sub").asText(""));
            f.put("role", t.claims().path("role").asText(""));
        } catch (TokenRejectedException e) {
            // cannot happen for a token that got past the signature; record the reason alone
        }
        f.put("reason", reason.name());
        door.record("refused", f);
    }
}
