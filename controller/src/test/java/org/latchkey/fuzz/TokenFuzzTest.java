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
import java.util.Optional;

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
            java.time.LocalDateTime local =
                    java.time.LocalDateTime.ofInstant(FuzzDoor.NOW, FuzzDoor.ZONE);
            assertTrue(
                    v.claims().hours().map(h -> h.contains(local)).orElse(true)
                            && v.issuer().policy().hours().map(h -> h.contains(local)).orElse(true),
                    "inside the pass's and its key's hours");
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

    /**
     * Enrolments, as the scanner and the API take them: one taken is an owner's, for this door,
     * fresh, giving no more than its signer has; and the load of kept ones never fails, whatever
     * they hold.
     */
    @FuzzTest
    void enrolment(byte[] input) {
        String text = text(input);
        try {
            org.latchkey.token.Enrolment e =
                    new org.latchkey.token.EnrolmentVerifier(
                                    FuzzDoor.AUDIENCE,
                                    FuzzDoor.TRUST,
                                    java.time.Duration.ofSeconds(60))
                            .verify(
                                    org.latchkey.token.SignedToken.accessToken(
                                            org.latchkey.token.SignedToken.withoutLineEnd(text)),
                                    FuzzDoor.CLOCK,
                                    FuzzDoor.REVOKED);
            var signer = FuzzDoor.TRUST.find(e.signerKid()).orElseThrow();
            assertTrue(signer.policy().isOwner(), "only an owner key enrols");
            assertTrue(e.issuer().policy().beyond(signer.policy()).isEmpty(), "never beyond it");
            assertTrue(!e.issuer().kid().equals(TestDoor.DOOR_ID), "never the door's own key");
            assertTrue(FuzzDoor.NOW.isBefore(e.expires().plusSeconds(60)), "fresh");
        } catch (TokenRejectedException e) {
            assertTrue(e.getMessage().length() < 600, "a bounded detail");
        }
        var extended =
                org.latchkey.token.EnrolmentVerifier.extend(
                        FuzzDoor.TRUST,
                        java.util.List.of(text),
                        FuzzDoor.AUDIENCE,
                        FuzzDoor.REVOKED);
        assertTrue(
                extended.enrolled().size() + extended.setAside().size() == 1, "taken or set aside");
    }

    @FuzzTest
    void revocationList(byte[] input) {
        try {
            RevocationList list = FuzzDoor.LISTS.verify(text(input), FuzzDoor.REVOKED);
            assertTrue(list.seq() > FuzzDoor.REVOKED.of(list.slot()).seq(), "never backwards");
            String kid = org.latchkey.token.SignedToken.document(text(input)).kid();
            boolean owner = FuzzDoor.TRUST.find(kid).orElseThrow().policy().isOwner();
            if (owner) {
                assertTrue(list.signer().isEmpty(), "an owner list fills the owners' slot");
            } else {
                // any other trusted key: a list of its own, naming only its tokens and itself
                assertEquals(Optional.of(kid), list.signer(), "a company list in its own slot");
                assertTrue(
                        list.tokenIds().stream().allMatch(t -> t.startsWith(kid + "/")),
                        "only its own tokens");
                assertTrue(list.keyIds().stream().allMatch(kid::equals), "only itself as a key");
            }
        } catch (TokenRejectedException e) {
            // refused with a reason: the installed list stays
        }
    }
}
