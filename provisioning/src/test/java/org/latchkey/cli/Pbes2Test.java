package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

/** PBES2 with BouncyCastle's lightweight API: round trip, wrong passphrase, bounded work. */
class Pbes2Test {
    private static final PrivateKeyInfo KEY = key();

    private static PrivateKeyInfo key() {
        try {
            return new PrivateKeyInfo(
                    new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                    new DEROctetString(new byte[32]));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void encrypted_opensWithItsPassphraseOnly_andNeverTwiceTheSame() throws Exception {
        char[] pass = "tr0ub4dor&3".toCharArray();
        EncryptedPrivateKeyInfo a = Pbes2.encrypt(KEY, pass, 1000, new SecureRandom());
        EncryptedPrivateKeyInfo b = Pbes2.encrypt(KEY, pass, 1000, new SecureRandom());
        assertNotEquals(
                new String(a.getEncryptedData(), "ISO-8859-1"),
                new String(b.getEncryptedData(), "ISO-8859-1"),
                "fresh salt and IV");
        assertArrayEquals(KEY.getEncoded(), Pbes2.decrypt(a, pass).getEncoded());
        CliException wrong =
                assertThrows(CliException.class, () -> Pbes2.decrypt(a, "guess".toCharArray()));
        assertTrue(wrong.getMessage().contains("wrong passphrase"), wrong.getMessage());
    }

    @Test
    void absurdWork_isRefused_beforeAnyIsDone() throws Exception {
        EncryptedPrivateKeyInfo real =
                Pbes2.encrypt(KEY, "x".toCharArray(), 1000, new SecureRandom());
        PBES2Parameters p =
                PBES2Parameters.getInstance(real.getEncryptionAlgorithm().getParameters());
        PBKDF2Params kdf = PBKDF2Params.getInstance(p.getKeyDerivationFunc().getParameters());
        PBKDF2Params huge = new PBKDF2Params(kdf.getSalt(), Integer.MAX_VALUE, kdf.getPrf());
        EncryptedPrivateKeyInfo hostile =
                new EncryptedPrivateKeyInfo(
                        new AlgorithmIdentifier(
                                PKCSObjectIdentifiers.id_PBES2,
                                new PBES2Parameters(
                                        new KeyDerivationFunc(
                                                PKCSObjectIdentifiers.id_PBKDF2, huge),
                                        p.getEncryptionScheme())),
                        real.getEncryptedData());
        CliException e =
                assertThrows(CliException.class, () -> Pbes2.decrypt(hostile, "x".toCharArray()));
        assertTrue(e.getMessage().contains("outside 1 to"), e.getMessage());
    }

    @Test
    void anotherScheme_isNamed() throws Exception {
        EncryptedPrivateKeyInfo other =
                new EncryptedPrivateKeyInfo(
                        new AlgorithmIdentifier(
                                PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC),
                        new byte[16]);
        CliException e =
                assertThrows(CliException.class, () -> Pbes2.decrypt(other, "x".toCharArray()));
        assertTrue(e.getMessage().contains("not PBES2"), e.getMessage());
    }

    @Test
    void damagedParameters_areAClearRefusal_neverAnInternalError() throws Exception {
        EncryptedPrivateKeyInfo real =
                Pbes2.encrypt(KEY, "x".toCharArray(), 1000, new SecureRandom());
        EncryptedPrivateKeyInfo cut =
                new EncryptedPrivateKeyInfo(
                        real.getEncryptionAlgorithm(),
                        java.util.Arrays.copyOf(real.getEncryptedData(), 17));
        assertThrows(CliException.class, () -> Pbes2.decrypt(cut, "x".toCharArray()));
        EncryptedPrivateKeyInfo noParams =
                new EncryptedPrivateKeyInfo(
                        new AlgorithmIdentifier(
                                PKCSObjectIdentifiers.id_PBES2,
                                new org.bouncycastle.asn1.DERSequence()),
                        real.getEncryptedData());
        CliException e =
                assertThrows(CliException.class, () -> Pbes2.decrypt(noParams, "x".toCharArray()));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
    }
}
