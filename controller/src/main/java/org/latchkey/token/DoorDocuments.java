package org.latchkey.token;

import static org.latchkey.token.RejectionReason.BAD_SIGNATURE;
import static org.latchkey.token.RejectionReason.MALFORMED;
import static org.latchkey.token.RejectionReason.WRONG_LOCK;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/**
 * What a door says about itself — visit receipts, audit checkpoints — as PASETO v4.public documents
 * signed by its door key (footer kid = the door id) with a {@code typ} of their own and a {@code
 * door} claim naming the door: checked with nothing but the door's card (its public key).
 */
public final class DoorDocuments {
    private DoorDocuments() {}

    /** Signs {@code claims} (which carry their {@code typ} and {@code door}) with the door key. */
    public static String sign(SigningKey door, ObjectNode claims) {
        return AccessTokens.sign(door, Json.write(claims).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The claims of a document of {@code type} that the door key {@code door} signed about itself.
     *
     * @throws TokenRejectedException WRONG_LOCK for another door's document, BAD_SIGNATURE for one
     *     changed or not signed by it, MALFORMED for anything else
     */
    public static ObjectNode verify(String text, PublicKey door, String type)
            throws TokenRejectedException {
        SignedToken token = SignedToken.document(SignedToken.withoutLineEnd(text));
        if (!token.kid().equals(door.pid())) {
            throw new TokenRejectedException(
                    WRONG_LOCK, type + ": signed by the key of another door (" + token.kid() + ")");
        }
        if (!token.verifiedWith(door)) {
            throw new TokenRejectedException(
                    BAD_SIGNATURE, type + ": the signature does not verify with the door key");
        }
        ObjectNode claims;
        try {
            claims = Json.parseObject(token.payload());
            if (!type.equals(AccessClaims.text(claims, "typ"))) {
                throw new IllegalArgumentException("typ is not \"" + type + "\"");
            }
            if (!door.pid().equals(AccessClaims.text(claims, "door"))) {
                throw new IllegalArgumentException("door is not " + door.pid());
            }
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException(MALFORMED, type + ": " + e.getMessage());
        }
        return claims;
    }
}
