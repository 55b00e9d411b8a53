package org.latchkey.config;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * PEM certificates and private keys (BouncyCastle's parser), and the files that hold secrets. Each
 * problem is an {@link IllegalArgumentException} whose message says what is wrong with the file.
 */
public final class PemFiles {
    /** Certificate bundles are small; anything bigger is not one. */
    static final int MAX_PEM_BYTES = 1 << 20;

    /** A password or a key file larger than this is not one. */
    static final int MAX_SECRET_BYTES = 16 * 1024;

    private PemFiles() {}

    /** Every certificate in a PEM file (at least one). */
    public static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser pem = new PEMParser(new StringReader(read(file, MAX_PEM_BYTES)))) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(converter.getCertificate(h));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("is not a PEM certificate file: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(
                    "holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /** The one private key in a PEM file: PKCS#8, or a traditional RSA/EC key; not encrypted. */
    public static PrivateKey privateKey(Path file) {
        requirePrivate(file);
        try (PEMParser pem = new PEMParser(new StringReader(read(file, MAX_SECRET_BYTES)))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                switch (o) {
                    case PrivateKeyInfo k -> {
                        return converter.getPrivateKey(k);
                    }
                    case PEMKeyPair k -> {
                        return converter.getKeyPair(k).getPrivate();
                    }
                    case PEMEncryptedKeyPair k -> throw encrypted();
                    case PKCS8EncryptedPrivateKeyInfo k -> throw encrypted();
                    default -> {}
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("is not a PEM private key: " + e.getMessage());
        }
        throw new IllegalArgumentException(
                "holds no private key (expected -----BEGIN PRIVATE KEY-----)");
    }

    private static IllegalArgumentException encrypted() {
        return new IllegalArgumentException(
                "holds an encrypted key, which the door cannot unlock unattended: store it"
                        + " decrypted (openssl pkey -in KEY -out KEY.pem) with mode 600");
    }

    /** A secret's text (a password file's content without its final line break). */
    public static String secret(Path file) {
        requirePrivate(file);
        String text = read(file, MAX_SECRET_BYTES);
        String value = text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text;
        value = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
        if (value.isEmpty()) {
            throw new IllegalArgumentException("is empty");
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException(
                    "holds more than one line or control characters (the whole file, minus one"
                            + " final line break, is the password)");
        }
        return value;
    }

    /** A file holding a secret: refused when anyone but its owner and group may read it. */
    static void requirePrivate(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("does not exist or is not a file");
        }
        PosixFileAttributeView view =
                Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return; // not a POSIX file system: nothing to check
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(unreadable(file, e));
        }
        if (perms.contains(PosixFilePermission.OTHERS_READ)
                || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IllegalArgumentException(
                    "holds a secret but others may read or write it: chmod 600 (or 640 with the"
                            + " group latchkey)");
        }
    }

    private static String read(Path file, int max) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("does not exist or is not a file");
            }
            if (Files.size(file) > max) {
                throw new IllegalArgumentException("is larger than " + max / 1024 + " KiB");
            }
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(unreadable(file, e));
        }
    }

    private static String unreadable(Path file, IOException e) {
        return "cannot be read: " + e.getClass().getSimpleName() + " " + e.getMessage();
    }
}
