package org.latchkey.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.latchkey.testing.TestDoor;
import org.latchkey.token.RevocationList;
import org.latchkey.token.TokenRejectedException;
import org.latchkey.token.UnverifiedToken;
import org.latchkey.token.VerifiedAccess;

import java.nio.charset.StandardCharsets;

/**
 * The token reader and verifier, and the revocation-list verifier, on any bytes: they answer with a
 * grant or a rejection reason, never anything else, and a grant is always for this door, from a
 * trusted key, in its window.
 */
class TokenFuzzTest {
    /** Bytes as the API hands them on: one char per byte, so nothing is lost before the checks. */
    private static String text(byte[] input) {
        return new String(input, StandardCharsets.ISO_8859_1);
    }

    @FuzzTest
    void accessToken(byte[] input) {
        String text = text(input);
        try {
            VerifiedAccess v = FuzzDoor.TOKENS.verify(text, FuzzDoor.CLOCK, FuzzDoor.REVOKED);
            assertEquals(TestDoor.DOOR_ID, v.claims().audience());
            assertTrue(FuzzDoor.TRUST.find(v.kid()).isPresent());
            assertTrue(
                    !FuzzDoor.NOW.isBefore(v.claims().notBefore().minusSeconds(60))
                            && FuzzDoor.NOW.isBefore(v.claims().expires().plusSeconds(60)),
                    "inside its window");
            assertTrue(v.issuer().policy().maySign(v.claims().role()));
        } catch (TokenRejectedException e) {
            assertTrue(e.getMessage().length() < 600, "a bounded detail");
        }
        try {
            UnverifiedToken.read(
                    text); // what `latchkey token inspect` shows: the same input limits
        } catch (TokenRejectedException e) {
            // a reason is all it owes
        }
    }

    @FuzzTest
    void revocationList(byte[] input) {
        try {
            RevocationList list = FuzzDoor.LISTS.verify(text(input), FuzzDoor.REVOKED);
            assertTrue(list.seq() > FuzzDoor.REVOKED.of(list.scope()).seq(), "never backwards");
            assertTrue(
                    FuzzDoor.TRUST
                            .find(org.latchkey.token.SignedToken.document(text(input)).kid())
                            .orElseThrow()
                            .policy()
                            .isOwner(),
                    "signed by an owner key");
        } catch (TokenRejectedException e) {
            // refused with a reason: the installed list stays
        }
    }
}
