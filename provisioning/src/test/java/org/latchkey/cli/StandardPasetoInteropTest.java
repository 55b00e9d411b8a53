package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.token.Paserk;
import org.paseto4j.commons.PrivateKey;
import org.paseto4j.commons.PublicKey;
import org.paseto4j.commons.Version;
import org.paseto4j.version4.Paseto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Interoperability with a separate, standard PASETO v4 implementation (paseto4j): its tokens are
 * accepted by {@code latchkey token verify}, and the CLI's tokens verify with it.
 */
class StandardPasetoInteropTest {
    private static final byte[] X509_ED25519_PREFIX =
            HexFormat.of().parseHex("302a300506032b6570032100");

    @TempDir Path dir;

    final CliRun cli = new CliRun();

    @BeforeAll
    static void registerProvider() {
        // paseto4j looks its algorithms up in the "BC" JCA provider.
        Security.addProvider(new BouncyCastleProvider());
    }

    private Path configTrusting(String name, String publicKey, String roles) throws Exception {
        Path config = dir.resolve("latchkey.toml");
        Files.writeString(
                config,
                """
                lock_id = "front-door"
                [[issuers]]
                name = "%s"
                public_key = "%s"
                roles = [%s]
                max_window = "1d"
                """
                        .formatted(name, publicKey, roles));
        org.latchkey.identity.DoorKeys.writePublic(
                config, org.latchkey.testing.TestDoor.DOOR.publicKey());
        return config;
    }

    @Test
    void tokenMintedByPaseto4j_isAcceptedByTokenVerify() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519", "BC").generateKeyPair();
        byte[] spki = pair.getPublic().getEncoded();
        String k4public =
                Paserk.encodePublic(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
        Path config = configTrusting("backend", k4public, "\"owner\"");

        String payload =
                """
                {"iss":"acme","aud":"%s","jti":"acme-0000000000000001","iat":"2026-11-25T08:00:00+00:00",\
                "nbf":"2026-11-25T08:00:00+00:00","exp":"2026-11-25T12:00:00+00:00","use":"once","role":"delivery",\
                "sub":"parcel 9"}\
                """
                        .formatted(org.latchkey.testing.TestDoor.DOOR_ID);
        String footer = "{\"kid\":\"" + Paserk.pid(k4public) + "\"}";
        String token = Paseto.sign(new PrivateKey(pair.getPrivate(), Version.V4), payload, footer);

        CliRun.Result r = cli.run("token", "verify", "--config", config.toString(), token);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("for \"parcel 9\""), r.out());

        // The same library signing with a footer of another shape is refused before any crypto.
        String otherFooter =
                Paseto.sign(
                        new PrivateKey(pair.getPrivate(), Version.V4), payload, "{\"kid\":\"x\"}");
        CliRun.Result refused =
                cli.run("token", "verify", "--config", config.toString(), otherFooter);
        assertEquals(ExitCode.REJECTED, refused.code());
        assertTrue(refused.err().startsWith("rejected: MALFORMED"));
    }

    @Test
    void tokenIssuedByTheCli_verifiesWithPaseto4j() throws Exception {
        assertEquals(
                0,
                cli.run(
                                "keys",
                                "generate",
                                "--out",
                                dir.toString(),
                                "--name",
                                "owner",
                                "--no-passphrase")
                        .code());
        CliRun.Result issued =
                cli.run(
                        "token",
                        "issue",
                        "--key",
                        dir.resolve("owner.key").toString(),
                        "--lock",
                        org.latchkey.testing.TestDoor.DOOR_ID,
                        "--role",
                        "guest",
                        "--sub",
                        "cleaner",
                        "--window",
                        "--for",
                        "3h",
                        "--jti",
                        "cleaner-00000000001");
        assertEquals(0, issued.code(), issued.err());
        String token = issued.out().strip();

        byte[] raw = Paserk.decodePublic(Files.readString(dir.resolve("owner.pub")).strip());
        byte[] spki = new byte[X509_ED25519_PREFIX.length + 32];
        System.arraycopy(X509_ED25519_PREFIX, 0, spki, 0, X509_ED25519_PREFIX.length);
        System.arraycopy(raw, 0, spki, X509_ED25519_PREFIX.length, 32);
        PublicKey key =
                new PublicKey(
                        KeyFactory.getInstance("Ed25519", "BC")
                                .generatePublic(new X509EncodedKeySpec(spki)),
                        Version.V4);
        String footer =
                "{\"kid\":\""
                        + Paserk.pid(Files.readString(dir.resolve("owner.pub")).strip())
                        + "\"}";

        String payload = Paseto.parse(key, token, footer);
        assertTrue(payload.contains("\"jti\":\"cleaner-00000000001\""), payload);
        assertTrue(
                payload.contains("\"aud\":\"" + org.latchkey.testing.TestDoor.DOOR_ID + "\""),
                payload);

        String tampered =
                token.substring(0, 30)
                        + (token.charAt(30) == 'A' ? 'B' : 'A')
                        + token.substring(31);
        assertThrows(Exception.class, () -> Paseto.parse(key, tampered, footer));
    }
}
