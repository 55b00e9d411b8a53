package org.latchkey.token;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.security.SecureRandom;

import javax.security.auth.Destroyable;

/**
 * An Ed25519 private key. Its bytes leave only through {@link #seedForExport()}, a deliberate,
 * greppable call; {@code toString()} never prints them.
 */
public final class SigningKey implements Destroyable {
    public static final int SEED_LENGTH = 32;

    private final byte[] seed;
    private final Ed25519PrivateKeyParameters params;
    private final PublicKey publicKey;
    private boolean destroyed;

    private SigningKey(byte[] seed) {
        this.seed = seed;
        this.params = new Ed25519PrivateKeyParameters(seed, 0);
        this.publicKey = PublicKey.of(params.generatePublicKey().getEncoded());
    }

    public static SigningKey generate(SecureRandom random) {
        byte[] seed = new byte[SEED_LENGTH];
        random.nextBytes(seed);
        return new SigningKey(seed);
    }

    public static SigningKey fromSeed(byte[] seed) {
        if (seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException(
                    "an Ed25519 private key seed is 32 bytes, not " + seed.length);
        }
        return new SigningKey(seed.clone());
    }

    /**
     * Parses a PASERK {@code k4.secret.…}: the seed followed by its public key, which must match.
     */
    public static SigningKey fromPaserk(String text) {
        byte[] both = Paserk.decodeSecret(text);
        byte[] seed = java.util.Arrays.copyOf(both, SEED_LENGTH);
        SigningKey key = fromSeed(seed);
        byte[] pk = java.util.Arrays.copyOfRange(both, SEED_LENGTH, both.length);
        if (!java.security.MessageDigest.isEqual(pk, key.publicKey.bytes())) {
            throw new IllegalArgumentException(
                    "k4.secret: the public half does not belong to the private half");
        }
        return key;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    byte[] sign(byte[] message) {
        if (destroyed) {
            throw new IllegalStateException("signing key was destroyed");
        }
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, params);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** The 32-byte seed, for writing the key to a protected file. Wipe the copy after use. */
    public byte[] seedForExport() {
        return seed.clone();
    }

    /** The PASERK {@code k4.secret.…} form: a secret, handle like the key itself. */
    public String paserkForExport() {
        return Paserk.encodeSecret(seed, publicKey.bytes());
    }

    @Override
    public void destroy() {
        java.util.Arrays.fill(seed, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "SigningKey[" + publicKey.pid() + ", secret redacted]";
    }
}
