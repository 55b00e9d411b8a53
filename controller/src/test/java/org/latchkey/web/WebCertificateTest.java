package org.latchkey.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.store.Storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.List;

/** The door's HTTPS certificate: what browsers need in it, kept, and made again for a new name. */
class WebCertificateTest {
    private static final Instant NOW = Instant.parse("2026-12-08T09:00:00Z");

    @TempDir Path state;

    @Test
    void aServerCertificateBrowsersAccept_forTheDoorsLocalName() throws Exception {
        X509Certificate c =
                WebCertificate.openOrCreate(
                                Storage.REAL, state, "FrontDoor", NOW, new SecureRandom())
                        .certificate();
        assertEquals("EC", c.getPublicKey().getAlgorithm());
        assertEquals(
                256,
                ((ECPublicKey) c.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertEquals("SHA256withECDSA", c.getSigAlgName());
        assertEquals(-1, c.getBasicConstraints(), "not a CA: a leaf the owner trusts as a peer");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), c.getExtendedKeyUsage(), "serverAuth");
        List<String> names =
                c.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
        assertEquals(List.of("frontdoor.local", "frontdoor", "localhost", "127.0.0.1"), names);
        assertTrue(
                c.getNotAfter()
                        .toInstant()
                        .isAfter(NOW.plus(WebCertificate.VALIDITY).minusSeconds(1)));
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(state.resolve(WebCertificate.KEY))));
        c.verify(c.getPublicKey());
    }

    @Test
    void keptAcrossStarts_andMadeAgainOnlyForANewName() throws Exception {
        var first =
                WebCertificate.openOrCreate(Storage.REAL, state, "door", NOW, new SecureRandom());
        var again =
                WebCertificate.openOrCreate(Storage.REAL, state, "door", NOW, new SecureRandom());
        assertEquals(first.certificate(), again.certificate());
        assertEquals(first.keys().getPublic(), again.keys().getPublic());
        var renamed =
                WebCertificate.openOrCreate(Storage.REAL, state, "porch", NOW, new SecureRandom());
        assertNotEquals(first.certificate(), renamed.certificate());
        assertTrue(WebCertificate.names(renamed.certificate(), "porch"));
        assertEquals(
                WebCertificate.fingerprint(renamed.certificate()),
                WebCertificate.fingerprint(WebCertificate.read(state).orElseThrow()));
    }
}
