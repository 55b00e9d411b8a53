package org.latchkey.token;

import static org.latchkey.token.RejectionReason.MALFORMED;
import static org.latchkey.token.RejectionReason.NOT_SIGNERS_OWN;
import static org.latchkey.token.RejectionReason.REVOKED;
import static org.latchkey.token.RejectionReason.SEQ_NOT_NEWER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies a revocation list: a v4.public token signed by a trusted key, for this door (or its
 * fleet), with a {@code seq} greater than the installed list's in the same slot. An owner key's
 * list may revoke anything, and replaces the owners' list of its scope; any other trusted key's (a
 * company's) may revoke only the tokens that key signed and the key itself, and replaces only that
 * key's own list — with a seq of its own, which a company can make without the door's state (Unix
 * milliseconds, say). A refused list leaves the installed ones in force.
 */
public final class RevocationListVerifier {
    public static final String TYPE = "latchkey-revocation";

    /**
     * The largest seq: every JSON parser reads it exactly, and there is always room for one more.
     */
    public static final long MAX_SEQ = (1L << 53) - 1;

    private static final Pattern TOKEN_REF =
            Pattern.compile(Paserk.PID.pattern() + "/" + AccessClaims.TOKEN_ID.pattern());

    private final Audience audience;
    private final Optional<String> fleetId;
    private final TrustStore trustStore;

    /**
     * Owner keys whose lists are a company's: enrolled keys. A phone's list keeps a place of its
     * own — it never replaces the owners' list, nor another phone's, which would un-revoke what
     * they revoked — and names only the passes it signed and itself: a lost phone cannot revoke the
     * owner, the companies or the other phones, for good.
     */
    private final Set<String> ownSlots;

    /** For a door addressed by exactly {@code audience} (tools and tests). */
    public RevocationListVerifier(
            String audience, Optional<String> fleetId, TrustStore trustStore) {
        this(Audience.of(audience), fleetId, trustStore);
    }

    public RevocationListVerifier(
            Audience audience, Optional<String> fleetId, TrustStore trustStore) {
        this(audience, fleetId, trustStore, Set.of());
    }

    /**
     * @param ownSlots owner keys whose lists keep a place of their own: the enrolled ones
     */
    public RevocationListVerifier(
            Audience audience,
            Optional<String> fleetId,
            TrustStore trustStore,
            Set<String> ownSlots) {
        this.audience = audience;
        this.fleetId = fleetId;
        this.trustStore = trustStore;
        this.ownSlots = Set.copyOf(ownSlots);
    }

    /** Whether {@code kid} is a trusted owner key whose lists are the owners' (not enrolled). */
    public boolean ownerKey(String kid) {
        return !ownSlots.contains(kid)
                && trustStore.find(kid).map(i -> i.policy().isOwner()).orElse(false);
    }

    public RevocationList verify(String text, RevocationLists installed)
            throws TokenRejectedException {
        return verify(SignedToken.document(text), installed);
    }

    public RevocationList verify(SignedToken token, RevocationLists installed)
            throws TokenRejectedException {
        TrustedIssuer signer = token.signer(trustStore);
        try {
            return checkSigned(token, signer, installed);
        } catch (TokenRejectedException e) {
            throw e.signedBy(signer, null); // a trusted key signed it: the refusal is audited
        }
    }

    private RevocationList checkSigned(
            SignedToken token, TrustedIssuer signer, RevocationLists installed)
            throws TokenRejectedException {
        if (installed.revokesKey(signer.kid())) {
            throw new TokenRejectedException(REVOKED, "key '" + signer.name() + "' is revoked");
        }
        Optional<String> of = ownerKey(signer.kid()) ? Optional.empty() : Optional.of(signer.kid());
        RevocationList list = read(token, of, false);
        if (!signer.policy().isOwner() || ownSlots.contains(signer.kid())) {
            onlyItsOwn(list, signer); // a company's, or an enrolled phone's: its own passes only
        }
        long current = installed.of(list.slot()).seq();
        if (list.seq() <= current) {
            throw new TokenRejectedException(
                    SEQ_NOT_NEWER,
                    "seq "
                            + list.seq()
                            + " is not greater than the installed "
                            + list.slot().describe()
                            + "'s "
                            + current);
        }
        return list;
    }

    /** A key that is not an owner key revokes only what it signed, and itself. */
    private static void onlyItsOwn(RevocationList list, TrustedIssuer signer)
            throws TokenRejectedException {
        String prefix = signer.kid() + "/";
        for (String t : list.tokenIds()) {
            if (!t.startsWith(prefix)) {
                throw new TokenRejectedException(
                        NOT_SIGNERS_OWN,
                        "key '"
                                + signer.name()
                                + "' may revoke only tokens it signed, not "
                                + t.substring(0, Math.min(t.length(), 60)));
            }
        }
        for (String k : list.keyIds()) {
            if (!k.equals(signer.kid())) {
                throw new TokenRejectedException(
                        NOT_SIGNERS_OWN,
                        "key '" + signer.name() + "' may revoke only itself, not key " + k);
            }
        }
    }

    /**
     * Reads a list's content without checking who signed it: only for a list this door verified
     * when it was installed and whose signer it no longer trusts, or that names the door by its
     * {@code lock_id} (installed before the door had an id). Enforcing it can only refuse more,
     * never admit more.
     */
    public RevocationList readInstalled(String text, Optional<String> signer)
            throws TokenRejectedException {
        return read(SignedToken.document(text), signer, true);
    }

    /** Whether a list the door accepted before it had an id: its {@code aud} is the lock_id. */
    public boolean namesTheLockId(String text) {
        try {
            String aud =
                    AccessClaims.text(
                            Json.parseObject(SignedToken.document(text).payload()), "aud");
            return !audience.lockId().isEmpty() && audience.lockId().equals(aud);
        } catch (TokenRejectedException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * @param installed a list this door installed before: one naming the door by its lock_id (from
     *     before the door had an id) still counts as this door's
     */
    private RevocationList read(SignedToken token, Optional<String> signer, boolean installed)
            throws TokenRejectedException {
        ObjectNode o;
        long seq;
        Instant iat;
        Set<String> jtis;
        Set<String> kids;
        String aud;
        try {
            o = Json.parseObject(token.payload());
            if (!TYPE.equals(AccessClaims.text(o, "typ"))) {
                throw new IllegalArgumentException("typ is not \"" + TYPE + "\"");
            }
            JsonNode seqNode = o.get("seq");
            if (seqNode == null
                    || !seqNode.isIntegralNumber()
                    || !seqNode.canConvertToLong()
                    || seqNode.longValue() < 1
                    || seqNode.longValue() > MAX_SEQ) {
                throw new IllegalArgumentException(
                        "seq must be a whole number from 1 to " + MAX_SEQ);
            }
            seq = seqNode.longValue();
            iat = AccessClaims.time(o, "iat");
            jtis = strings(o, "jti", TOKEN_REF, "\"<kid>/<jti>\"");
            kids = strings(o, "kid", Paserk.PID, "k4.pid");
            aud = AccessClaims.text(o, "aud");
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException(MALFORMED, "revocation list: " + e.getMessage());
        }
        RevocationList.Scope scope;
        if (audience.matches(aud)
                || (installed && !audience.lockId().isEmpty() && audience.lockId().equals(aud))) {
            scope = RevocationList.Scope.LOCK;
        } else if (fleetId.isPresent() && fleetId.get().equals(aud)) {
            scope = RevocationList.Scope.FLEET;
        } else {
            throw audience.wrong(
                    "revocation list" + fleetId.map(f -> " (or fleet '" + f + "')").orElse(""),
                    aud);
        }
        return new RevocationList(signer, scope, seq, iat, jtis, kids, token.text(), false);
    }

    private static Set<String> strings(ObjectNode o, String name, Pattern shape, String what) {
        JsonNode n = o.get(name);
        if (n == null) {
            return Set.of();
        }
        if (!n.isArray()) {
            throw new IllegalArgumentException(name + " must be an array");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode e : n) {
            if (!e.isTextual() || !shape.matcher(e.textValue()).matches()) {
                throw new IllegalArgumentException(name + " entries must be " + what + " strings");
            }
            out.add(e.textValue());
        }
        return out;
    }
}
