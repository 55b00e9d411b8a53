package org.latchkey.web;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.latchkey.store.Storage;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The door's HTTPS certificate for the owner's app: ECDSA P-256 (browsers refuse Ed25519 server
 * certificates), self-signed, naming {@code <hostname>.local} — the app's keys belong to the page's
 * origin, so the name must not change — and kept in the state directory ({@value #KEY}, {@value
 * #CERT}). Made on first use; made again only when the name it must carry changed.
 */
public record WebCertificate(KeyPair keys, X509Certificate certificate) {
    public static final String KEY = "web.key";
    public static final String CERT = "web.crt";

    /** Ten years: a certificate the owner trusted once should not lapse under them. */
    static final Duration VALIDITY = Duration.ofDays(3650);

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /** {@code <hostname>.local}, the name the app is reached by. */
    public static String localName(String hostname) {
        return hostname.toLowerCase(Locale.ROOT) + ".local";
    }

    /** This machine's name, as one DNS label ({@code latchkey} when it has none to use). */
    public static String systemHostname() {
        String name;
        try {
            name = Files.readString(Path.of("/etc/hostname")).strip();
        } catch (IOException e) {
            try {
                name = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException x) {
                name = "";
            }
        }
        String label = name.split("\\.", 2)[0].toLowerCase(Locale.ROOT);
        return label.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?") ? label : "latchkey";
    }

    /** The certificate in the state directory, if there is one. */
    public static Optional<X509Certificate> read(Path stateDir) throws IOException {
        Path cert = stateDir.resolve(CERT);
        if (!Files.exists(cert)) {
            return Optional.empty();
        }
        try (PEMParser p = new PEMParser(Files.newBufferedReader(cert))) {
            if (!(p.readObject() instanceof X509CertificateHolder h)) {
                throw new IOException(cert + " holds no certificate");
            }
            return Optional.of(new JcaX509CertificateConverter().getCertificate(h));
        } catch (GeneralSecurityException e) {
            throw new IOException(cert + ": " + e.getMessage(), e);
        }
    }

    /** The kept certificate when it names {@code hostname}, else a new one (written, fsync'ed). */
    public static WebCertificate openOrCreate(
            Storage storage, Path stateDir, String hostname, Instant now, SecureRandom random)
            throws IOException {
        Path keyFile = stateDir.resolve(KEY);
        var kept = read(stateDir);
        if (kept.isPresent() && Files.exists(keyFile) && names(kept.get(), hostname)) {
            return new WebCertificate(readKey(keyFile), kept.get());
        }
        WebCertificate made = create(hostname, now, random);
        storage.replace(keyFile, pem(made.keys().getPrivate()));
        storage.replace(stateDir.resolve(CERT), pem(made.certificate()));
        return made;
    }

    static WebCertificate create(String hostname, Instant now, SecureRandom random)
            throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair keys = g.generateKeyPair();
            String local = localName(hostname);
            X500Name subject = new X500Name("CN=" + local + ",O=latchkey door");
            var builder =
                    new JcaX509v3CertificateBuilder(
                            subject,
                            new BigInteger(127, random).add(BigInteger.ONE),
                            Date.from(now.minus(Duration.ofDays(1))),
                            Date.from(now.plus(VALIDITY)),
                            subject,
                            keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(
                    Extension.extendedKeyUsage,
                    false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(
                            new GeneralName[] {
                                new GeneralName(GeneralName.dNSName, local),
                                new GeneralName(
                                        GeneralName.dNSName, hostname.toLowerCase(Locale.ROOT)),
                                new GeneralName(GeneralName.dNSName, "localhost"),
                                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                            }));
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC);
            X509Certificate cert =
                    new JcaX509CertificateConverter()
                            .getCertificate(builder.build(signer.build(keys.getPrivate())));
            return new WebCertificate(keys, cert);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException("cannot make the web certificate: " + e.getMessage(), e);
        }
    }

    /** Whether {@code cert} names {@code <hostname>.local}. */
    static boolean names(X509Certificate cert, String hostname) {
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            return sans != null
                    && sans.stream()
                            .anyMatch(
                                    n ->
                                            n.get(0).equals(GeneralName.dNSName)
                                                    && localName(hostname).equals(n.get(1)));
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    /** SHA-256 of the certificate, as browsers show it: {@code AB:CD:…}. */
    public static String fingerprint(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair readKey(Path file) throws IOException {
        try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
            Object o = p.readObject();
            if (!(o instanceof PEMKeyPair k)) {
                throw new IOException(file + " holds no EC key pair");
            }
            return new JcaPEMKeyConverter().setProvider(BC).getKeyPair(k);
        }
    }

    static byte[] pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
