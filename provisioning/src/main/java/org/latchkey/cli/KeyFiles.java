package org.latchkey.cli;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.latchkey.token.PublicKey;
import org.latchkey.token.SigningKey;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Key files: {@code NAME.key} is PKCS#8 PEM (encrypted with AES-256-CBC and PBKDF2-HMAC-SHA256 when
 * a passphrase is given), readable by OpenSSL; {@code NAME.pub} is one line, {@code k4.public.…}.
 */
public final class KeyFiles {
    /** PBKDF2 work: about a second on a Raspberry Pi, paid once per signing. */
    static final int PBKDF2_ITERATIONS = 600_000;

    private static final int MAX_KEY_FILE_BYTES = 16 * 1024;
    private static final FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<?> WORLD_READABLE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

    private KeyFiles() {}

    /** A key file, read but maybe still encrypted. */
    public sealed interface Loaded permits Plain, Encrypted {}

    public record Plain(SigningKey key) implements Loaded {}

    public record Encrypted(PKCS8EncryptedPrivateKeyInfo info) implements Loaded {
        public SigningKey decrypt(char[] passphrase) throws CliException {
            return toSigningKey(Pbes2.decrypt(info.toASN1Structure(), passphrase));
        }
    }

    /** Writes both files, never replacing existing ones. */
    public static void write(
            Path privateFile,
            Path publicFile,
            SigningKey key,
            char[] passphraseOrNull,
            SecureRandom random)
            throws CliException, IOException {
        for (Path p : List.of(privateFile, publicFile)) {
            if (Files.exists(p)) {
                throw CliException.failed(
                        p
                                + " already exists: refusing to overwrite it (move it away or"
                                + " choose another --name)");
            }
        }
        byte[] pem = privateKeyPem(key, passphraseOrNull, random);
        byte[] pub = (key.publicKey().paserk() + "\n").getBytes(StandardCharsets.US_ASCII);
        writeNew(privateFile, pem, OWNER_ONLY);
        writeNew(publicFile, pub, WORLD_READABLE);
    }

    public static Loaded read(Path file) throws CliException {
        String text = readSmallText(file, MAX_KEY_FILE_BYTES);
        Object object;
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            object = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw CliException.failed(file + ": not a PEM private key file");
        }
        return switch (object) {
            case PKCS8EncryptedPrivateKeyInfo encrypted -> new Encrypted(encrypted);
            case PrivateKeyInfo plain -> new Plain(toSigningKey(plain, file));
            case null -> throw CliException.failed(file + ": no PEM private key in it");
            default ->
                    throw CliException.failed(
                            file
                                    + ": not a PKCS#8 private key (BEGIN PRIVATE KEY or BEGIN"
                                    + " ENCRYPTED PRIVATE KEY)");
        };
    }

    /** Reads a {@code .pub} file or takes the text itself: {@code k4.public.…}. */
    public static PublicKey readPublic(String fileOrText) throws CliException {
        String text =
                fileOrText.startsWith("k4.")
                        ? fileOrText
                        : readSmallText(Path.of(fileOrText), 1024).strip();
        try {
            return PublicKey.fromPaserk(text);
        } catch (IllegalArgumentException e) {
            throw CliException.failed(fileOrText + ": " + e.getMessage());
        }
    }

    static String readSmallText(Path file, int maxBytes) throws CliException {
        return readSmallText(file, maxBytes, StandardCharsets.US_ASCII);
    }

    static String readSmallText(Path file, int maxBytes, java.nio.charset.Charset charset)
            throws CliException {
        try {
            if (!Files.isRegularFile(file)) {
                throw CliException.failed(file + ": no such file");
            }
            if (Files.size(file) > maxBytes) {
                throw CliException.failed(
                        file + ": larger than " + maxBytes + " bytes, not a key file");
            }
            return Files.readString(file, charset);
        } catch (IOException e) {
            throw CliException.failed(file + ": cannot read: " + IoProblems.describe(e));
        }
    }

    private static byte[] privateKeyPem(SigningKey key, char[] passphrase, SecureRandom random)
            throws IOException {
        byte[] seed = key.seedForExport();
        try {
            // A v1 PrivateKeyInfo (no public key inside): OpenSSL 3.0 refuses BouncyCastle's v2 for
            // Ed25519.
            PrivateKeyInfo info =
                    new PrivateKeyInfo(
                            new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                            new DEROctetString(seed));
            PemObject pem;
            if (passphrase == null) {
                pem = new PemObject("PRIVATE KEY", info.getEncoded());
            } else {
                pem =
                        new PemObject(
                                "ENCRYPTED PRIVATE KEY",
                                Pbes2.encrypt(info, passphrase, PBKDF2_ITERATIONS, random)
                                        .getEncoded());
            }
            StringWriter out = new StringWriter();
            try (PemWriter writer = new PemWriter(out)) {
                writer.writeObject(pem);
            }
            return out.toString().getBytes(StandardCharsets.US_ASCII);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    private static SigningKey toSigningKey(PrivateKeyInfo info) throws CliException {
        return toSigningKey(info, null);
    }

    private static SigningKey toSigningKey(PrivateKeyInfo info, Path file) throws CliException {
        String where = file == null ? "the key" : file.toString();
        if (!EdECObjectIdentifiers.id_Ed25519.equals(
                info.getPrivateKeyAlgorithm().getAlgorithm())) {
            throw CliException.failed(where + ": not an Ed25519 key");
        }
        try {
            byte[] seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
            try {
                return SigningKey.fromSeed(seed);
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw CliException.failed(where + ": damaged Ed25519 key");
        }
    }

    /** Creates the file (failing if it exists), writes it, and forces it to disk. */
    static void writeNew(Path file, byte[] content, FileAttribute<?> permissions)
            throws CliException, IOException {
        Set<StandardOpenOption> options =
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        try (FileChannel ch =
                posix
                        ? FileChannel.open(file, options, permissions)
                        : FileChannel.open(file, options)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (FileAlreadyExistsException e) {
            throw CliException.failed(file + " already exists: refusing to overwrite it");
        }
    }
}
