package org.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

/** The PASERK k4 vectors: public, secret and pid, including the ones that must fail. */
class PaserkVectorsTest {

    @Test
    void encodePublic_vectors() {
        int checked = 0;
        for (JsonNode t : Vectors.load("paserk-k4.public.json").get("tests")) {
            byte[] key = Vectors.hex(t.get("key"));
            if (t.get("expect-fail").asBoolean()) {
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Paserk.encodePublic(key),
                        t.get("name").asText());
            } else {
                assertEquals(t.get("paserk").asText(), Paserk.encodePublic(key));
                assertArrayEquals(key, Paserk.decodePublic(t.get("paserk").asText()));
            }
            checked++;
        }
        assertEquals(4, checked);
    }

    @Test
    void pid_vectors() {
        int checked = 0;
        for (JsonNode t : Vectors.load("paserk-k4.pid.json").get("tests")) {
            byte[] key = Vectors.hex(t.get("key"));
            if (t.get("expect-fail").asBoolean()) {
                assertThrows(
                        IllegalArgumentException.class, () -> Paserk.pid(Paserk.encodePublic(key)));
            } else {
                assertEquals(t.get("paserk").asText(), Paserk.pid(Paserk.encodePublic(key)));
            }
            checked++;
        }
        assertEquals(5, checked);
    }

    @Test
    void secret_vectors() {
        int checked = 0;
        for (JsonNode t : Vectors.load("paserk-k4.secret.json").get("tests")) {
            byte[] key = Vectors.hex(t.get("key"));
            if (t.get("expect-fail").asBoolean()) {
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Paserk.encodeSecret(
                                        java.util.Arrays.copyOf(key, 32),
                                        java.util.Arrays.copyOfRange(key, 32, key.length)));
            } else {
                SigningKey signing = SigningKey.fromSeed(Vectors.hex(t.get("secret-key-seed")));
                assertArrayEquals(Vectors.hex(t.get("public-key")), signing.publicKey().bytes());
                assertEquals(t.get("paserk").asText(), signing.paserkForExport());
                SigningKey parsed = SigningKey.fromPaserk(t.get("paserk").asText());
                assertEquals(signing.publicKey(), parsed.publicKey());
            }
            checked++;
        }
        assertEquals(5, checked);
    }

    @Test
    void fromPaserk_secretWithForeignPublicHalf_isRefused() {
        String a = SigningKey.fromSeed(new byte[32]).paserkForExport();
        byte[] both = Paserk.decodeSecret(a);
        both[63] ^= 1;
        String tampered = "k4.secret." + Base64Url.encode(both);
        assertThrows(IllegalArgumentException.class, () -> SigningKey.fromPaserk(tampered));
    }

    @Test
    void decodePublic_wrongVersionOrType_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> Paserk.decodePublic("k3.public.AAAA"));
        assertThrows(
                IllegalArgumentException.class,
                () -> Paserk.decodePublic("k4.secret.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        Paserk.decodePublic(
                                "k4.public.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    }

    @Test
    void publicKey_smallOrderOrIdentity_isRefused() {
        byte[] identity = new byte[32];
        identity[0] = 1;
        assertThrows(IllegalArgumentException.class, () -> PublicKey.of(identity));
        // y = 0 is a point of order 4.
        assertThrows(IllegalArgumentException.class, () -> PublicKey.of(new byte[32]));
        assertThrows(
                IllegalArgumentException.class,
                () -> PublicKey.fromPaserk(Paserk.encodePublic(new byte[32])));
    }
}
