package org.latchkey.token;

import static org.latchkey.token.RejectionReason.CLOCK_UNTRUSTED;
import static org.latchkey.token.RejectionReason.EXPIRED;
import static org.latchkey.token.RejectionReason.NOT_YET_VALID;
import static org.latchkey.token.RejectionReason.REVOKED;
import static org.latchkey.token.RejectionReason.ROLE_NOT_ALLOWED;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks enrolments: a fresh one presented to the door (signed by a trusted owner key that is not
 * revoked, addressed to this door, within its few minutes), and the kept ones at every load (the
 * same, but not their time: they were fresh when admitted).
 */
public final class EnrolmentVerifier {
    private final Audience audience;
    private final TrustStore trustStore;
    private final Duration skew;

    public EnrolmentVerifier(Audience audience, TrustStore trustStore, Duration skew) {
        this.audience = audience;
        this.trustStore = trustStore;
        this.skew = skew;
    }

    /**
     * @param clock the door's clock: it must be trusted (an enrolment gives rights), and expiry is
     *     checked as for a once token — against the time floor and the compaction horizon too, so a
     *     clock set back never revives one whose record compaction dropped
     */
    public Enrolment verify(SignedToken token, ClockReading clock, RevocationLists revocations)
            throws TokenRejectedException {
        TrustedIssuer signer = token.signer(trustStore);
        try {
            if (revocations.revokesKey(signer.kid())) {
                throw new TokenRejectedException(REVOKED, "key '" + signer.name() + "' is revoked");
            }
            Enrolment e = admitted(token, signer, audience);
            if (clock instanceof ClockReading.Untrusted u) {
                throw new TokenRejectedException(
                        CLOCK_UNTRUSTED,
                        "the door cannot trust its clock ("
                                + u.why()
                                + "): no key is enrolled until it can");
            }
            Instant now = clock.now();
            if (revocations.revokesKey(e.issuer().kid())) {
                throw new TokenRejectedException(REVOKED, "the key it enrols is revoked");
            }
            if (now.isBefore(e.issuedAt().minus(skew))) {
                throw new TokenRejectedException(
                        NOT_YET_VALID,
                        "the enrolment was made at "
                                + Rfc3339.format(e.issuedAt())
                                + ", after the door's clock ("
                                + Rfc3339.format(now)
                                + ")");
            }
            if (!clock.expiryClock(Use.ONCE).isBefore(e.expires().plus(skew))) {
                throw new TokenRejectedException(
                        EXPIRED,
                        "the enrolment expired at "
                                + Rfc3339.format(e.expires())
                                + ": make a fresh one");
            }
            return e;
        } catch (TokenRejectedException x) {
            throw x.signedBy(signer, null);
        }
    }

    private static Enrolment admitted(SignedToken token, TrustedIssuer signer, Audience audience)
            throws TokenRejectedException {
        if (!signer.policy().isOwner()) {
            throw new TokenRejectedException(
                    ROLE_NOT_ALLOWED,
                    "key '" + signer.name() + "' is not an owner key and may not enrol keys");
        }
        Enrolment e = Enrolment.read(token, signer.kid(), audience);
        if (audience.doorId().map(id -> id.equals(e.issuer().kid())).orElse(false)) {
            throw new TokenRejectedException(
                    ROLE_NOT_ALLOWED, "the door's own key never grants access");
        }
        var beyond = e.issuer().policy().beyond(signer.policy());
        if (beyond.isPresent()) {
            throw new TokenRejectedException(
                    beyond.get().reason(),
                    "'"
                            + e.issuer().name()
                            + "' may not get more than '"
                            + signer.name()
                            + "' has: "
                            + beyond.get().detail());
        }
        return e;
    }

    /** The trust in force: the config's keys and every kept enrolment that still verifies. */
    public record Extended(TrustStore trust, List<Enrolment> enrolled, List<String> setAside) {
        /**
         * Why {@code issuer} cannot be enrolled by {@code signerKid}: its key is trusted in the
         * config already, or another key has its name, or it is enrolled under another key — only
         * the key that enrolled it, or a config key, may enrol it again (with a new policy), so a
         * phone cannot pull another under itself.
         */
        public Optional<String> clash(TrustedIssuer issuer, String signerKid) {
            Optional<Enrolment> before = enrolment(issuer.kid());
            for (TrustedIssuer i : trust.issuers()) {
                if (i.kid().equals(issuer.kid()) && before.isEmpty()) {
                    return Optional.of(
                            "this key is trusted in the config already, as '" + i.name() + "'");
                }
                if (i.name().equals(issuer.name()) && !i.kid().equals(issuer.kid())) {
                    return Optional.of(
                            "another key is trusted as '" + i.name() + "': pick another name");
                }
            }
            if (before.isPresent()
                    && !before.get().signerKid().equals(signerKid)
                    && enrolment(signerKid).isPresent()) {
                return Optional.of(
                        "'"
                                + issuer.name()
                                + "' was enrolled by another key: only that key or an owner key of"
                                + " the config may enrol it again");
            }
            return Optional.empty();
        }

        /**
         * The enrolment of {@code kid} and every one it made, directly or down the line: what goes
         * when it is removed, so that enrolling it again brings none of them back.
         */
        public List<Enrolment> withWhatItEnrolled(String kid) {
            List<Enrolment> out = new ArrayList<>();
            enrolment(kid).ifPresent(out::add);
            for (int i = 0; i < out.size(); i++) {
                String signer = out.get(i).issuer().kid();
                enrolled.stream().filter(e -> e.signerKid().equals(signer)).forEach(out::add);
            }
            return out;
        }

        /** The enrolled keys' ids. */
        public Set<String> enrolledKids() {
            return enrolled.stream().map(e -> e.issuer().kid()).collect(Collectors.toSet());
        }

        /** The enrolment in force for {@code kid}, if it was enrolled. */
        public Optional<Enrolment> enrolment(String kid) {
            return enrolled.stream().filter(e -> e.issuer().kid().equals(kid)).findFirst();
        }
    }

    /**
     * Adds the kept enrolments to {@code base}: one is in force when a key in force (the config's,
     * or one enrolled before it) with the owner role and at least the rights it gives signed it,
     * for this door, neither key revoked, and it adds a key and a name not yet trusted. One whose
     * signer is gone (removed, revoked, or no longer enrolled itself) is set aside, said why: so a
     * revoked phone takes every key it enrolled with it.
     */
    public static Extended extend(
            TrustStore base, List<String> kept, Audience audience, RevocationLists revocations) {
        List<TrustedIssuer> issuers = new ArrayList<>(base.issuers());
        List<Enrolment> enrolled = new ArrayList<>();
        Map<String, String> pending = new LinkedHashMap<>();
        kept.forEach(t -> pending.put(t, "its signer is not trusted"));
        boolean progress = true;
        while (progress && !pending.isEmpty()) {
            progress = false;
            TrustStore current = TrustStore.of(issuers);
            for (String text : List.copyOf(pending.keySet())) {
                try {
                    SignedToken token = SignedToken.accessToken(text);
                    if (current.find(token.kid()).isEmpty()) {
                        continue; // its signer may be enrolled by a later one
                    }
                    TrustedIssuer signer = token.signer(current);
                    if (revocations.revokesKey(signer.kid())) {
                        pending.put(text, "its signer '" + signer.name() + "' is revoked");
                        continue;
                    }
                    Enrolment e = admitted(token, signer, audience);
                    if (revocations.revokesKey(e.issuer().kid())) {
                        pending.put(text, "'" + e.issuer().name() + "' is revoked");
                        continue;
                    }
                    if (current.find(e.issuer().kid()).isPresent()
                            || issuers.stream().anyMatch(i -> i.name().equals(e.issuer().name()))) {
                        pending.put(text, "'" + e.issuer().name() + "' is trusted already");
                        continue;
                    }
                    issuers.add(e.issuer());
                    enrolled.add(e);
                    pending.remove(text);
                    progress = true;
                } catch (TokenRejectedException x) {
                    pending.put(text, x.reason() + ": " + x.getMessage());
                }
            }
        }
        return new Extended(
                TrustStore.of(issuers), List.copyOf(enrolled), pending.values().stream().toList());
    }
}
