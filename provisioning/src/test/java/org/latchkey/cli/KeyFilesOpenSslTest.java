package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.testing.OsTools;
import org.latchkey.token.Paserk;
import org.latchkey.token.SigningKey;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Key files are readable by OpenSSL (the contract), encrypted or not. Needs the openssl
 * command.
 */
class KeyFilesOpenSslTest {
    @TempDir Path dir;

    final CliRun cli = new CliRun();

    private record Run(int code, byte[] out) {}

    @BeforeEach
    void needsOpenSsl() {
        OsTools.require("openssl", "openssl");
    }

    private static Run openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        return new Run(p.waitFor(), out);
    }

    private byte[] publicKeyFromOpenSsl(Path key, String... passArgs) throws Exception {
        String[] args = {"pkey", "-in", key.toString(), "-pubout", "-outform", "DER"};
        String[] all =
                java.util.stream.Stream.concat(Arrays.stream(args), Arrays.stream(passArgs))
                        .toArray(String[]::new);
        Run r = openssl(all);
        assertEquals(0, r.code(), "openssl pkey failed on " + key);
        return Arrays.copyOfRange(r.out(), r.out().length - 32, r.out().length);
    }

    @Test
    void encryptedKey_isReadByOpenSsl_withThePassphraseOnly() throws Exception {
        Files.writeString(dir.resolve("pass"), "tr0ub4dor&3\n");
        assertEquals(
                0,
                cli.run(
                                "keys",
                                "generate",
                                "--out",
                                dir.toString(),
                                "--name",
                                "owner",
                                "--passphrase-file",
                                dir.resolve("pass").toString())
                        .code());
        byte[] pub =
                publicKeyFromOpenSsl(
                        dir.resolve("owner.key"), "-passin", "file:" + dir.resolve("pass"));
        assertEquals(Files.readString(dir.resolve("owner.pub")).strip(), Paserk.encodePublic(pub));
        Files.writeString(dir.resolve("wrong"), "guess\n");
        assertNotEquals(
                0,
                openssl(
                                "pkey",
                                "-in",
                                dir.resolve("owner.key").toString(),
                                "-passin",
                                "file:" + dir.resolve("wrong"),
                                "-noout")
                        .code());
        String pem = Files.readString(dir.resolve("owner.key"), StandardCharsets.US_ASCII);
        assertTrue(pem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
    }

    @Test
    void plainKey_isReadByOpenSsl() throws Exception {
        assertEquals(
                0,
                cli.run(
                                "keys",
                                "generate",
                                "--out",
                                dir.toString(),
                                "--name",
                                "courier",
                                "--no-passphrase")
                        .code());
        byte[] pub = publicKeyFromOpenSsl(dir.resolve("courier.key"));
        assertEquals(
                Files.readString(dir.resolve("courier.pub")).strip(), Paserk.encodePublic(pub));
    }

    @Test
    void keyWrittenByOpenSsl_signsWithTheCli() throws Exception {
        Path key = dir.resolve("ossl.key");
        assertEquals(0, openssl("genpkey", "-algorithm", "ed25519", "-out", key.toString()).code());
        CliRun.Result r =
                cli.run(
                        "token",
                        "issue",
                        "--key",
                        key.toString(),
                        "--lock",
                        org.latchkey.testing.TestDoor.DOOR_ID,
                        "--role",
                        "guest",
                        "--sub",
                        "x",
                        "--window",
                        "--for",
                        "1h");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("v4.public."));
    }

    @Test
    void encryptedKeysWrittenByOpenSsl_openWithThePassphrase_aes128Sha1AndAes256Sha256()
            throws Exception {
        Files.writeString(dir.resolve("pass"), "correct horse\n");
        for (String[] scheme :
                new String[][] {
                    {"aes-128-cbc", "hmacWithSHA1"}, {"aes-256-cbc", "hmacWithSHA256"}
                }) {
            Path plain = dir.resolve("plain-" + scheme[0] + ".key");
            Path key = dir.resolve("enc-" + scheme[0] + ".key");
            assertEquals(
                    0,
                    openssl("genpkey", "-algorithm", "ed25519", "-out", plain.toString()).code());
            assertEquals(
                    0,
                    openssl(
                                    "pkcs8",
                                    "-topk8",
                                    "-in",
                                    plain.toString(),
                                    "-out",
                                    key.toString(),
                                    "-v2",
                                    scheme[0],
                                    "-v2prf",
                                    scheme[1],
                                    "-passout",
                                    "file:" + dir.resolve("pass"))
                            .code());
            KeyFiles.Encrypted encrypted = (KeyFiles.Encrypted) KeyFiles.read(key);
            SigningKey opened = encrypted.decrypt("correct horse".toCharArray());
            assertEquals(
                    Paserk.encodePublic(publicKeyFromOpenSsl(plain)),
                    opened.publicKey().paserk(),
                    scheme[0]);
            CliException wrong =
                    assertThrows(
                            CliException.class, () -> encrypted.decrypt("guess".toCharArray()));
            assertTrue(wrong.getMessage().contains("wrong passphrase"), wrong.getMessage());
        }
    }
}
