package org.latchkey.cli;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.BufferedBlockCipher;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.PBEParametersGenerator;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.paddings.PKCS7Padding;
import org.bouncycastle.crypto.paddings.PaddedBufferedBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Encrypted PKCS#8 as OpenSSL writes it by default — PBES2: PBKDF2 (HMAC-SHA-256) and AES-CBC —
 * with BouncyCastle's lightweight API. No JCE provider is involved, so the BouncyCastle jars need
 * no signature for it on any JDK.
 */
final class Pbes2 {
    /**
     * Above what anyone writes (OpenSSL's default is 2048, ours 600,000), low enough that a hostile
     * file costs seconds, not minutes, on a Pi.
     */
    static final int MAX_ITERATIONS = 2_000_000;

    private static final Map<ASN1ObjectIdentifier, Supplier<Digest>> PRFS =
            Map.of(
                    PKCSObjectIdentifiers.id_hmacWithSHA1, SHA1Digest::new,
                    PKCSObjectIdentifiers.id_hmacWithSHA256, SHA256Digest::new,
                    PKCSObjectIdentifiers.id_hmacWithSHA384, SHA384Digest::new,
                    PKCSObjectIdentifiers.id_hmacWithSHA512, SHA512Digest::new);

    private static final Map<ASN1ObjectIdentifier, Integer> AES_KEY_BITS =
            Map.of(
                    NISTObjectIdentifiers.id_aes128_CBC, 128,
                    NISTObjectIdentifiers.id_aes192_CBC, 192,
                    NISTObjectIdentifiers.id_aes256_CBC, 256);

    private Pbes2() {}

    /** AES-256-CBC under a key from PBKDF2-HMAC-SHA-256 with a fresh salt and IV. */
    static EncryptedPrivateKeyInfo encrypt(
            PrivateKeyInfo plain, char[] passphrase, int iterations, SecureRandom random)
            throws IOException {
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        random.nextBytes(salt);
        random.nextBytes(iv);
        AlgorithmIdentifier prf =
                new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);
        PBES2Parameters params =
                new PBES2Parameters(
                        new KeyDerivationFunc(
                                PKCSObjectIdentifiers.id_PBKDF2,
                                new PBKDF2Params(salt, iterations, prf)),
                        new EncryptionScheme(
                                NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(iv)));
        byte[] key = derive(passphrase, salt, iterations, SHA256Digest::new, 256);
        byte[] encoded = plain.getEncoded();
        try {
            byte[] sealed = run(true, key, iv, encoded);
            return new EncryptedPrivateKeyInfo(
                    new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, params), sealed);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("AES-CBC encryption failed", e);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(encoded, (byte) 0);
        }
    }

    /**
     * The private key inside, or a precise refusal: another scheme, more work than {@link
     * #MAX_ITERATIONS}, or a passphrase that does not open it.
     */
    static PrivateKeyInfo decrypt(EncryptedPrivateKeyInfo info, char[] passphrase)
            throws CliException {
        try {
            return open(info, passphrase);
        } catch (RuntimeException e) { // ASN.1 of the wrong shape, sizes out of any range
            throw CliException.failed("the key's encryption parameters are damaged");
        }
    }

    private static PrivateKeyInfo open(EncryptedPrivateKeyInfo info, char[] passphrase)
            throws CliException {
        AlgorithmIdentifier alg = info.getEncryptionAlgorithm();
        if (!PKCSObjectIdentifiers.id_PBES2.equals(alg.getAlgorithm())) {
            throw unsupported("encrypted with " + alg.getAlgorithm().getId() + ", not PBES2");
        }
        PBES2Parameters params;
        PBKDF2Params kdf;
        byte[] iv;
        try {
            params = PBES2Parameters.getInstance(alg.getParameters());
            if (!PKCSObjectIdentifiers.id_PBKDF2.equals(
                    params.getKeyDerivationFunc().getAlgorithm())) {
                throw unsupported("its key is not derived with PBKDF2");
            }
            kdf = PBKDF2Params.getInstance(params.getKeyDerivationFunc().getParameters());
            iv =
                    ASN1OctetString.getInstance(params.getEncryptionScheme().getParameters())
                            .getOctets();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw CliException.failed("the key's encryption parameters are damaged");
        }
        Integer bits = AES_KEY_BITS.get(params.getEncryptionScheme().getAlgorithm());
        Supplier<Digest> prf = PRFS.get(kdf.getPrf().getAlgorithm());
        if (bits == null || prf == null) {
            throw unsupported(
                    "encrypted with other than AES-CBC and PBKDF2-HMAC-SHA-1/256/384/512");
        }
        java.math.BigInteger iterations = kdf.getIterationCount();
        if (iterations.signum() < 1
                || iterations.compareTo(java.math.BigInteger.valueOf(MAX_ITERATIONS)) > 0) {
            throw CliException.failed(
                    "the key's PBKDF2 work ("
                            + iterations
                            + " rounds) is outside 1 to "
                            + MAX_ITERATIONS);
        }
        if (iv.length != 16) {
            throw CliException.failed("the key's AES IV is " + iv.length + " bytes, not 16");
        }
        if (kdf.getKeyLength() != null && kdf.getKeyLength().intValueExact() * 8 != bits) {
            throw CliException.failed("the key's PBKDF2 key length does not fit its AES cipher");
        }
        byte[] key = derive(passphrase, kdf.getSalt(), iterations.intValueExact(), prf, bits);
        byte[] plain = null;
        try {
            plain = run(false, key, iv, info.getEncryptedData());
            return PrivateKeyInfo.getInstance(plain);
        } catch (InvalidCipherTextException | RuntimeException e) {
            throw CliException.failed("cannot decrypt the key: wrong passphrase?");
        } finally {
            Arrays.fill(key, (byte) 0);
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    private static byte[] derive(
            char[] passphrase, byte[] salt, int iterations, Supplier<Digest> prf, int bits) {
        PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(prf.get());
        byte[] password = PBEParametersGenerator.PKCS5PasswordToUTF8Bytes(passphrase);
        try {
            gen.init(password, salt, iterations);
            return ((KeyParameter) gen.generateDerivedParameters(bits)).getKey();
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    private static byte[] run(boolean encrypt, byte[] key, byte[] iv, byte[] input)
            throws InvalidCipherTextException {
        BufferedBlockCipher cipher =
                new PaddedBufferedBlockCipher(
                        CBCBlockCipher.newInstance(AESEngine.newInstance()), new PKCS7Padding());
        cipher.init(encrypt, new ParametersWithIV(new KeyParameter(key), iv));
        byte[] out = new byte[cipher.getOutputSize(input.length)];
        int n = cipher.processBytes(input, 0, input.length, out, 0);
        n += cipher.doFinal(out, n);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static CliException unsupported(String why) {
        return CliException.failed("unsupported key file: " + why);
    }
}
