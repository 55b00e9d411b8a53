package org.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * Every Wycheproof Ed25519 vector gives its expected result through the project's own verification.
 */
class WycheproofEd25519Test {

    @Test
    void verify_everyVector_givesItsExpectedResult() {
        JsonNode root = Vectors.load("wycheproof-ed25519_test.json");
        List<String> wrong = new ArrayList<>();
        int count = 0;
        for (JsonNode group : root.get("testGroups")) {
            byte[] pk = Vectors.hex(group.get("publicKey").get("pk"));
            for (JsonNode t : group.get("tests")) {
                count++;
                boolean expected = t.get("result").asText().equals("valid");
                boolean actual = verify(pk, Vectors.hex(t.get("msg")), Vectors.hex(t.get("sig")));
                if (expected != actual) {
                    wrong.add("tcId " + t.get("tcId") + " (" + t.get("comment").asText() + ")");
                }
            }
        }
        assertEquals(root.get("numberOfTests").asInt(), count);
        assertEquals(151, count);
        assertEquals(List.of(), wrong);
    }

    private static boolean verify(byte[] pk, byte[] msg, byte[] sig) {
        PublicKey key;
        try {
            key = PublicKey.of(pk);
        } catch (IllegalArgumentException e) {
            return false; // refused at key load: nothing can verify under it
        }
        return key.verify(msg, sig);
    }
}
