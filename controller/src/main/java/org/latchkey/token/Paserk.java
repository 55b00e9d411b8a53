package org.latchkey.token;

import org.bouncycastle.crypto.digests.Blake2bDigest;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * PASERK v4 key serialisations: {@code k4.public}, {@code k4.secret} and the key id {@code k4.pid}.
 */
public final class Paserk {
    static final String PUBLIC_PREFIX = "k4.public.";
    static final String SECRET_PREFIX = "k4.secret.";
    static final String PID_PREFIX = "k4.pid.";

    /** A k4.pid: 33 bytes of BLAKE2b, so exactly 44 base64url characters. */
    public static final Pattern PID = Pattern.compile("k4\\.pid\\.[A-Za-z0-9_-]{44}");

    private Paserk() {}

    public static String encodePublic(byte[] key) {
        requireLength(key, PublicKey.LENGTH, "k4.public");
        return PUBLIC_PREFIX + Base64Url.encode(key);
    }

    /**
     * @throws IllegalArgumentException unless the text is {@code k4.public.} and 32 key bytes
     */
    public static byte[] decodePublic(String text) {
        return decode(text, PUBLIC_PREFIX, PublicKey.LENGTH);
    }

    static String encodeSecret(byte[] seed, byte[] publicKey) {
        requireLength(seed, SigningKey.SEED_LENGTH, "k4.secret seed");
        requireLength(publicKey, PublicKey.LENGTH, "k4.secret public half");
        byte[] both = new byte[64];
        System.arraycopy(seed, 0, both, 0, 32);
        System.arraycopy(publicKey, 0, both, 32, 32);
        return SECRET_PREFIX + Base64Url.encode(both);
    }

    static byte[] decodeSecret(String text) {
        return decode(text, SECRET_PREFIX, 64);
    }

    /** The key id of a {@code k4.public} PASERK: BLAKE2b-264 over "k4.pid." and the PASERK text. */
    public static String pid(String publicPaserk) {
        decodePublic(publicPaserk);
        Blake2bDigest digest = new Blake2bDigest(264);
        byte[] header = PID_PREFIX.getBytes(StandardCharsets.US_ASCII);
        byte[] body = publicPaserk.getBytes(StandardCharsets.US_ASCII);
        digest.update(header, 0, header.length);
        digest.update(body, 0, body.length);
        byte[] out = new byte[33];
        digest.doFinal(out, 0);
        return PID_PREFIX + Base64Url.encode(out);
    }

    private static byte[] decode(String text, String prefix, int length) {
        if (text == null || !text.startsWith(prefix)) {
            throw new IllegalArgumentException("expected a PASERK starting with '" + prefix + "'");
        }
        if (text.length() > prefix.length() + 100) {
            throw new IllegalArgumentException("PASERK too long");
        }
        byte[] bytes;
        try {
            bytes = Base64Url.decode(text.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + " key: " + e.getMessage());
        }
        requireLength(bytes, length, prefix + " key");
        return bytes;
    }

    private static void requireLength(byte[] bytes, int length, String what) {
        if (bytes.length != length) {
            throw new IllegalArgumentException(
                    what + " must be " + length + " bytes, not " + bytes.length);
        }
    }
}
