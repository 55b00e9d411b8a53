package org.latchkey.token;

import java.time.Instant;
import java.util.Set;

/**
 * The installed revocation list: revoked token ids ({@code "<kid>/<jti>"}) and revoked key ids. Made only by
 * {@link RevocationListVerifier} from a list an owner key signed, or {@link #NONE} before any is installed.
 *
 * @param signedText the signed list as received, kept so it can be stored and verified again on load
 */
public record RevocationList(long seq, Instant issuedAt, Set<String> tokenIds, Set<String> keyIds, String signedText) {
    public static final RevocationList NONE = new RevocationList(0, Instant.EPOCH, Set.of(), Set.of(), "");

    public RevocationList {
        tokenIds = Set.copyOf(tokenIds);
        keyIds = Set.copyOf(keyIds);
    }

    public boolean revokesKey(String kid) {
        return keyIds.contains(kid);
    }

    public boolean revokesToken(String kid, String jti) {
        return tokenIds.contains(kid + "/" + jti);
    }
}
