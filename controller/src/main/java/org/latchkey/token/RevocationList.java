package org.latchkey.token;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An installed revocation list: revoked token ids ({@code "<kid>/<jti>"}) and revoked key ids. Made
 * only by {@link RevocationListVerifier} from a list a trusted key signed, or {@link #none} before
 * any is installed. An owner key's list may revoke anything; any other trusted key's (a company's)
 * only the tokens it signed and itself, and each such key has its own list and its own seq.
 *
 * @param signer empty for an owner list; else the kid of the key that signed it, whose list it is
 * @param scope whom the list is for: this lock, or its whole fleet
 * @param signedText the signed list as received, kept so it can be stored and verified again on
 *     load
 * @param unreadable the door installed a list of this scope but can no longer read it: what it
 *     revoked is unknown, so only owner tokens are admitted until a list is installed again
 */
public record RevocationList(
        Optional<String> signer,
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
        Objects.requireNonNull(signer);
        tokenIds = Set.copyOf(tokenIds);
        keyIds = Set.copyOf(keyIds);
    }

    /** An owner list as read and verified. */
    public RevocationList(
            Scope scope,
            long seq,
            Instant issuedAt,
            Set<String> tokenIds,
            Set<String> keyIds,
            String signedText) {
        this(Optional.empty(), scope, seq, issuedAt, tokenIds, keyIds, signedText, false);
    }

    public static RevocationList none(Scope scope) {
        return new RevocationList(scope, 0, Instant.EPOCH, Set.of(), Set.of(), "");
    }

    /** No list yet from this signer (a company key) in this scope. */
    public static RevocationList none(Optional<String> signer, Scope scope) {
        return new RevocationList(signer, scope, 0, Instant.EPOCH, Set.of(), Set.of(), "", false);
    }

    /** A list this door installed (up to {@code seq}) whose file it can no longer read. */
    public static RevocationList unreadable(Scope scope, long seq) {
        return unreadable(Optional.empty(), scope, seq);
    }

    public static RevocationList unreadable(Optional<String> signer, Scope scope, long seq) {
        return new RevocationList(signer, scope, seq, Instant.EPOCH, Set.of(), Set.of(), "", true);
    }

    /** Whose list this is, and for whom: what a newer list of the same must replace. */
    public Slot slot() {
        return new Slot(signer, scope);
    }

    /** A list's place on a door: the owners' (signer empty) or one key's, for the lock or fleet. */
    public record Slot(Optional<String> signer, Scope scope) {
        public String describe() {
            return (scope == Scope.FLEET ? "fleet " : "")
                    + signer.map(k -> "list of key " + k).orElse("list");
        }
    }

    /** This list with {@code seq} as its seq if that is higher (the door installed it before). */
    public RevocationList atLeast(long floor) {
        return seq >= floor
                ? this
                : new RevocationList(
                        signer, scope, floor, issuedAt, tokenIds, keyIds, signedText, unreadable);
    }

    public boolean revokesKey(String kid) {
        return keyIds.contains(kid);
    }

    public boolean revokesToken(String kid, String jti) {
        return tokenIds.contains(kid + "/" + jti);
    }
}
