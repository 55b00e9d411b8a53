package org.latchkey.token;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * An Ed25519 public key that is a valid point of large order. Small-order keys (which would let
 * anyone forge signatures that verify) and bytes that are not a curve point are refused when the
 * key is made.
 */
public final class PublicKey {
    public static final int LENGTH = 32;

    private final byte[] bytes;
    private final Ed25519PublicKeyParameters params;
    private final String paserk;
    private final String pid;

    private PublicKey(byte[] bytes, Ed25519PublicKeyParameters params) {
        this.bytes = bytes;
        this.params = params;
        this.paserk = Paserk.encodePublic(bytes);
        this.pid = Paserk.pid(paserk);
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a usable Ed25519 public key
     */
    public static PublicKey of(byte[] raw) {
        if (raw.length != LENGTH) {
            throw new IllegalArgumentException(
                    "an Ed25519 public key is 32 bytes, not " + raw.length);
        }
        byte[] copy = raw.clone();
        Ed25519PublicKeyParameters params;
        try {
            // BouncyCastle validates the point here: not on the curve, or of small order, throws.
            params = new Ed25519PublicKeyParameters(copy, 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "not a valid Ed25519 public key (small-order or not a curve point)");
        }
        return new PublicKey(copy, params);
    }

    /** Parses a PASERK {@code k4.public.…} text and validates the key. */
    public static PublicKey fromPaserk(String text) {
        return of(Paserk.decodePublic(text));
    }

    /** Verifies an Ed25519 signature over the message; anything but exactly 64 bytes is false. */
    boolean verify(byte[] message, byte[] signature) {
        if (signature.length != Signatures.LENGTH) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, params);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** The PASERK {@code k4.public.…} form. */
    public String paserk() {
        return paserk;
    }

    /** The PASERK {@code k4.pid.…} key id. */
    public String pid() {
        return pid;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return pid;
    }
}
