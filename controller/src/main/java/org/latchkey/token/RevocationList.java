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
 */
public record RevocationList(
        Scope scope,
        long seq,
        Instant issuedAt,
        Set<String> tokenIds,
        Set<String> keyIds,
        String signedText) {

    /** A list's {@code aud}: the lock id, or the fleet id a door may be configured with. */
    public enum Scope {
        LOCK,
        FLEET
    }

    public RevocationList {
        tokenIds = Set.copyOf(tokenIds);
        keyIds = Set.copyOf(keyIds);
    }

    public static RevocationList none(Scope scope) {
        return new RevocationList(scope, 0, Instant.EPOCH, Set.of(), Set.of(), "");
    }

    public boolean revokesKey(String kid) {
        return keyIds.contains(kid);
    }

    public boolean revokesToken(String kid, String jti) {
        return tokenIds.contains(kid + "/" + jti);
    }
}
