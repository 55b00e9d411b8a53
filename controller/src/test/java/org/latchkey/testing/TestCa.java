package org.latchkey.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throwaway certificate authority for tests (BouncyCastle's bcpkix): a CA, server certificates
 * with the names a client checks, client certificates for mutual TLS, all P-256, written as PEM.
 */
public final class TestCa {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private final String name;
    private final KeyPair key;
    private final X509CertificateHolder cert;

    private TestCa(String name, KeyPair key, X509CertificateHolder cert) {
        this.name = name;
        this.key = key;
        this.cert = cert;
    }

    public static TestCa create(String name) {
        try {
            KeyPair key = keyPair();
            X500Name subject = new X500Name("CN=" + name);
            Instant now = Instant.now();
            var b =
                    new JcaX509v3CertificateBuilder(
                            subject,
                            BigInteger.valueOf(SERIAL.incrementAndGet()),
                            Date.from(now.minus(Duration.ofHours(1))),
                            Date.from(now.plus(Duration.ofDays(2))),
                            subject,
                            key.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new TestCa(name, key, b.build(signer(key)));
        } catch (Exception e) {
            throw new IllegalStateException("test CA", e);
        }
    }

    /** The CA certificate as PEM, to {@code file}. */
    public Path writeCert(Path file) throws IOException {
        Files.writeString(file, pem(cert));
        return file;
    }

    /**
     * A certificate signed by this CA for {@code cn}, valid for the DNS names and IP addresses
     * given; writes {@code <base>.crt} and {@code <base>.key} (mode 600) and returns them.
     */
    public List<Path> issue(Path dir, String base, String cn, List<String> dns, List<String> ips)
            throws IOException {
        try {
            KeyPair leaf = keyPair();
            Instant now = Instant.now();
            var b =
                    new JcaX509v3CertificateBuilder(
                            new X500Name("CN=" + name),
                            BigInteger.valueOf(SERIAL.incrementAndGet()),
                            Date.from(now.minus(Duration.ofHours(1))),
                            Date.from(now.plus(Duration.ofDays(2))),
                            new X500Name("CN=" + cn),
                            leaf.getPublic());
            GeneralName[] names = new GeneralName[dns.size() + ips.size()];
            int i = 0;
            for (String d : dns) {
                names[i++] = new GeneralName(GeneralName.dNSName, d);
            }
            for (String ip : ips) {
                names[i++] = new GeneralName(GeneralName.iPAddress, ip);
            }
            if (names.length > 0) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509CertificateHolder c = b.build(signer(key));
            Path crt = dir.resolve(base + ".crt");
            Path keyFile = dir.resolve(base + ".key");
            Files.writeString(crt, pem(c));
            Files.writeString(
                    keyFile,
                    pem(
                            new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(
                                    leaf.getPrivate(), null)));
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            return List.of(crt, keyFile);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("test certificate", e);
        }
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static org.bouncycastle.operator.ContentSigner signer(KeyPair key) throws Exception {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate());
    }

    private static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }
}
