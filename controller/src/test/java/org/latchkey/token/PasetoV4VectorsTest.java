package org.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The official PASETO v4 vectors: 4-S-* verify to their payloads and sign to the same token; 4-F-*
 * fail.
 */
class PasetoV4VectorsTest {
    private static final JsonNode VECTORS = Vectors.load("paseto-v4.json");

    static Stream<Arguments> vectors(String prefix) {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode t : VECTORS.get("tests")) {
            if (t.get("name").asText().startsWith(prefix)) {
                out.add(Arguments.of(t.get("name").asText(), t));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> signVectors() {
        return vectors("4-S-");
    }

    static Stream<Arguments> failVectors() {
        return vectors("4-F-");
    }

    @Test
    void vectors_present() {
        assertEquals(3, signVectors().count());
        assertEquals(5, failVectors().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signVectors")
    void verify_signVector_returnsPayload(String name, JsonNode t) throws Exception {
        PublicKey key = PublicKey.of(Vectors.hex(t.get("public-key")));
        byte[] payload =
                PasetoV4Public.verify(
                        key, t.get("token").asText(), utf8(t.get("implicit-assertion")));
        assertEquals(t.get("payload").asText(), new String(payload, StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signVectors")
    void sign_signVector_producesTheSameToken(String name, JsonNode t) {
        SigningKey key = SigningKey.fromSeed(Vectors.hex(t.get("secret-key-seed")));
        assertArrayEquals(Vectors.hex(t.get("public-key")), key.publicKey().bytes());
        String token =
                PasetoV4Public.sign(
                        key,
                        utf8(t.get("payload")),
                        utf8(t.get("footer")),
                        utf8(t.get("implicit-assertion")));
        assertEquals(t.get("token").asText(), token);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failVectors")
    void verify_failVector_isRejected(String name, JsonNode t) {
        // Fail vectors for local tokens carry no public key: any key must fail.
        JsonNode pk =
                t.has("public-key")
                        ? t.get("public-key")
                        : VECTORS.get("tests").get(9).get("public-key");
        PublicKey key = PublicKey.of(Vectors.hex(pk));
        TokenRejectedException e =
                assertThrows(
                        TokenRejectedException.class,
                        () ->
                                PasetoV4Public.verify(
                                        key,
                                        t.get("token").asText(),
                                        utf8(t.get("implicit-assertion"))));
        assertTrue(
                e.reason() == RejectionReason.MALFORMED
                        || e.reason() == RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void verify_signVectorWithWrongImplicitAssertion_isBadSignature() {
        JsonNode t = VECTORS.get("tests").get(11); // 4-S-3, which has an implicit assertion
        assertEquals("4-S-3", t.get("name").asText());
        PublicKey key = PublicKey.of(Vectors.hex(t.get("public-key")));
        TokenRejectedException e =
                assertThrows(
                        TokenRejectedException.class,
                        () -> PasetoV4Public.verify(key, t.get("token").asText(), new byte[0]));
        assertEquals(RejectionReason.BAD_SIGNATURE, e.reason());
    }

    private static byte[] utf8(JsonNode n) {
        return n == null || n.isNull() ? new byte[0] : n.asText().getBytes(StandardCharsets.UTF_8);
    }
}
