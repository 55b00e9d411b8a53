package org.latchkey.token;

import java.nio.charset.StandardCharsets;

/** Mints access tokens and revocation lists: what an issuer's backend does, in any language. */
public final class AccessTokens {
    private AccessTokens() {}

    /** The footer every latchkey token carries: the signing key's id. */
    public static byte[] footerFor(PublicKey key) {
        return ("{\"kid\":\"" + key.pid() + "\"}").getBytes(StandardCharsets.US_ASCII);
    }

    public static String issue(SigningKey key, AccessClaims claims) {
        return PasetoV4Public.sign(key, claims.toJson(), footerFor(key.publicKey()), new byte[0]);
    }

    /** Signs an already-built JSON payload, e.g. a revocation list. */
    public static String sign(SigningKey key, byte[] payloadJson) {
        return PasetoV4Public.sign(key, payloadJson, footerFor(key.publicKey()), new byte[0]);
    }
}
