package org.latchkey.token;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.latchkey.testing.TestDoor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.paseto4j.commons.Version;
import org.paseto4j.version4.Paseto;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Security;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Access-token verification throughput on one thread: latchkey's verifier (valid, bad signature,
 * malformed), paseto4j on the same token, and latchkey's path with the JDK's own Ed25519 (SunEC) in
 * place of BouncyCastle.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class TokenVerificationBenchmark {
    private static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");
    private static final ClockReading CLOCK = new ClockReading.Trusted(NOW);
    private static final byte[] X509_ED25519_PREFIX =
            HexFormat.of().parseHex("302a300506032b6570032100");

    private AccessTokenVerifier verifier;
    private String valid;
    private String badSignature;
    private String malformed;
    private String footer;
    private org.paseto4j.commons.PublicKey paseto4jKey;
    private java.security.PublicKey jdkKey;
    private TrustStore trust;

    @Setup
    public void setUp() throws Exception {
        Security.addProvider(new BouncyCastleProvider());
        byte[] seed = new byte[32];
        seed[0] = 42;
        SigningKey key = SigningKey.fromSeed(seed);
        trust =
                TrustStore.of(
                        List.of(
                                new TrustedIssuer(
                                        "parcel-co",
                                        key.publicKey(),
                                        new IssuerPolicy(
                                                EnumSet.of(Role.DELIVERY),
                                                Duration.ofHours(4),
                                                Optional.empty(),
                                                false))));
        verifier =
                new AccessTokenVerifier(
                        TestDoor.DOOR_ID, trust, ClockRules.DEFAULT, ZoneOffset.UTC);
        valid =
                AccessTokens.issue(
                        key,
                        new AccessClaims(
                                "parcel-co",
                                TestDoor.DOOR_ID,
                                "order-0000000000001",
                                NOW,
                                NOW,
                                NOW.plus(Duration.ofHours(2)),
                                Use.ONCE,
                                Role.DELIVERY,
                                "courier 42"));
        // One bit of the signature flipped: passes every input check, fails the signature.
        int sigChar = valid.lastIndexOf('.') - 5;
        badSignature =
                valid.substring(0, sigChar)
                        + (valid.charAt(sigChar) == 'A' ? 'B' : 'A')
                        + valid.substring(sigChar + 1);
        // A scanner's garbled read: a space in the middle.
        malformed = valid.substring(0, 100) + " " + valid.substring(101);
        footer = new String(AccessTokens.footerFor(key.publicKey()), StandardCharsets.US_ASCII);

        byte[] spki = new byte[44];
        System.arraycopy(X509_ED25519_PREFIX, 0, spki, 0, 12);
        System.arraycopy(key.publicKey().bytes(), 0, spki, 12, 32);
        paseto4jKey =
                new org.paseto4j.commons.PublicKey(
                        KeyFactory.getInstance("Ed25519", "BC")
                                .generatePublic(new X509EncodedKeySpec(spki)),
                        Version.V4);
        jdkKey =
                KeyFactory.getInstance("Ed25519", "SunEC")
                        .generatePublic(new X509EncodedKeySpec(spki));

        verifier.verify(valid, CLOCK, RevocationLists.NONE);
        if (!jdkPath(valid)) {
            throw new IllegalStateException("JDK path does not verify the valid token");
        }
    }

    @Benchmark
    public Object latchkeyValid() throws TokenRejectedException {
        return verifier.verify(valid, CLOCK, RevocationLists.NONE);
    }

    @Benchmark
    public Object latchkeyBadSignature() {
        try {
            return verifier.verify(badSignature, CLOCK, RevocationLists.NONE);
        } catch (TokenRejectedException e) {
            return e.reason();
        }
    }

    @Benchmark
    public Object latchkeyMalformed() {
        try {
            return verifier.verify(malformed, CLOCK, RevocationLists.NONE);
        } catch (TokenRejectedException e) {
            return e.reason();
        }
    }

    /** paseto4j's parse: signature and payload only, no claim checks. */
    @Benchmark
    public Object paseto4jValid() throws Exception {
        return Paseto.parse(paseto4jKey, valid, footer);
    }

    /**
     * latchkey's input checks and claim parsing, with the JDK's SunEC doing the Ed25519
     * verification.
     */
    @Benchmark
    public boolean jdkEd25519Valid() throws Exception {
        return jdkPath(valid);
    }

    private boolean jdkPath(String token) throws Exception {
        SignedToken parsed = SignedToken.parse(token, SignedToken.MAX_ACCESS_TOKEN_BYTES);
        trust.find(parsed.kid()).orElseThrow();
        Signature s = Signature.getInstance("Ed25519", "SunEC");
        s.initVerify(jdkKey);
        s.update(parsed.parts().preAuth(new byte[0]));
        boolean ok = s.verify(parsed.parts().signature());
        AccessClaims.parse(parsed.payload());
        return ok;
    }
}
