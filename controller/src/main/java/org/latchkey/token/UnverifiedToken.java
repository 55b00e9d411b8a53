package org.latchkey.token;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a token claims, read without verifying it: for people inspecting a token, never for deciding
 * anything. The input rules still apply.
 *
 * @param claims the payload as JSON, whatever it holds
 */
public record UnverifiedToken(String kid, ObjectNode claims) {

    public static UnverifiedToken read(String text) throws TokenRejectedException {
        SignedToken token = SignedToken.accessToken(text);
        try {
            return new UnverifiedToken(token.kid(), Json.parseObject(token.payload()));
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, e.getMessage());
        }
    }
}
