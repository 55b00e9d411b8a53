package org.latchkey.token;

import java.time.Instant;
import java.util.Set;

/**
 * An installed revocation list: revoked token ids ({@code "<kid>/<jti>"}) and revoked key ids. Made
 * only by {@link RevocationListVerifier} from a list an owner key signed, or {@link #none} before
 * any is installed.
 *
 * @param scope whom the list is for: this lock, or its whole fleet
 * @param signedText the signed list as received, kept so it can be stored and verified again on
 *     load
 * @param unreadable the door installed a list of this scope but can no longer read it: what it
 *     revoked is unknown, so only owner tokens are admitted until a list is installed again
 */
public record RevocationList(
        Scope scope,
        long seq,
        Instant issuedAt,
        Set<String> tokenIds,
        Set<String> keyIds,
        String signedText,
        boolean unreadable) {

    /** A list's {@code aud}: the lock id, or the fleet id a door may be configured with. */
    public enum Scope {
        LOCK,
        FLEET
    }

    public RevocationList {
        tokenIds = Set.copyOf(tokenIds);
        keyIds = Set.copyOf(keyIds);
    }

    /** A list as read and verified. */
    public RevocationList(
            Scope scope,
            long seq,
            Instant issuedAt,
            Set<String> tokenIds,
            Set<String> keyIds,
            String signedText) {
        this(scope, seq, issuedAt, tokenIds, keyIds, signedText, false);
    }

    public static RevocationList none(Scope scope) {
        return new RevocationList(scope, 0, Instant.EPOCH, Set.of(), Set.of(), "");
    }

    /** A list this door installed (up to {@code seq}) whose file it can no longer read. */
    public static RevocationList unreadable(Scope scope, long seq) {
        return new RevocationList(scope, seq, Instant.EPOCH, Set.of(), Set.of(), "", true);
    }

    public boolean revokesKey(String kid) {
        return keyIds.contains(kid);
    }

    public boolean revokesToken(String kid, String jti) {
        return tokenIds.contains(kid + "/" + jti);
    }
}
