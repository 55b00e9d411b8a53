package org.latchkey.token;

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
     * @param now the door's clock
     */
    public Enrolment verify(SignedToken token, Instant now, RevocationLists revocations)
            throws TokenRejectedException {
        TrustedIssuer signer = token.signer(trustStore);
        try {
            if (revocations.revokesKey(signer.kid())) {
                throw new TokenRejectedException(REVOKED, "key '" + signer.name() + "' is revoked");
            }
            Enrolment e = admitted(token, signer, audience);
            if (now.isBefore(e.issuedAt().minus(skew))) {
                throw new TokenRejectedException(
                        NOT_YET_VALID,
                        "the enrolment was made at "
                                + Rfc3339.format(e.issuedAt())
                                + ", after the door's clock ("
                                + Rfc3339.format(now)
                                + ")");
            }
            if (!now.isBefore(e.expires().plus(skew))) {
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
        return e;
    }

    /** The trust in force: the config's keys and every kept enrolment that still verifies. */
    public record Extended(TrustStore trust, List<Enrolment> enrolled, List<String> setAside) {
        /**
         * Why {@code issuer} cannot be enrolled: its key is trusted in the config already, or
         * another key has its name. A key enrolled before may be enrolled again, with a new policy.
         */
        public java.util.Optional<String> clash(TrustedIssuer issuer) {
            boolean again = enrolment(issuer.kid()).isPresent();
            for (TrustedIssuer i : trust.issuers()) {
                if (i.kid().equals(issuer.kid()) && !again) {
                    return java.util.Optional.of(
                            "this key is trusted in the config already, as '" + i.name() + "'");
                }
                if (i.name().equals(issuer.name()) && !i.kid().equals(issuer.kid())) {
                    return java.util.Optional.of(
                            "another key is trusted as '" + i.name() + "': pick another name");
                }
            }
            return java.util.Optional.empty();
        }

        /** The enrolment in force for {@code kid}, if it was enrolled. */
        public java.util.Optional<Enrolment> enrolment(String kid) {
            return enrolled.stream().filter(e -> e.issuer().kid().equals(kid)).findFirst();
        }
    }

    /**
     * Adds the kept enrolments to {@code base}: one is in force when a key in force (the config's,
     * or one enrolled before it) with the owner role signed it, for this door, and it adds a key
     * and a name not yet trusted. One whose signer is gone (removed from the config, or no longer
     * enrolled itself) is set aside, said why.
     */
    public static Extended extend(TrustStore base, List<String> kept, Audience audience) {
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
                    Enrolment e = admitted(token, token.signer(current), audience);
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
