package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;

/** Passphrases reach the key as the UTF-8 text they are, or not at all. */
class PassphrasesTest {
    @TempDir Path dir;

    private static CliContext typing(String typed) {
        return new CliContext(
                InstantSource.fixed(Instant.EPOCH),
                SecureRandom::new,
                question -> typed.toCharArray(),
                question -> true,
                CliContext.HardwareTime.VIRTUAL);
    }

    @Test
    void aFile_isReadAsUtf8_likeOpenSslsPassin() throws Exception {
        Files.writeString(dir.resolve("pass"), "пароль\n");
        assertArrayEquals("пароль".toCharArray(), Passphrases.fromFile(dir.resolve("pass")));
        Files.write(dir.resolve("latin1"), new byte[] {(byte) 0xE9, '\n'});
        CliException e =
                assertThrows(CliException.class, () -> Passphrases.fromFile(dir.resolve("latin1")));
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }

    @Test
    void whatTheTerminalCouldNotCarry_isRefused_neverAWeakKey() throws Exception {
        // Typed in a C locale, "пароль" arrives as six replacement characters: any six would open
        // it.
        CliException e =
                assertThrows(
                        CliException.class,
                        () -> Passphrases.ask(typing("\uFFFD".repeat(6)), "Passphrase: ", false));
        assertTrue(e.getMessage().contains("UTF-8 locale"), e.getMessage());
        assertArrayEquals(
                "пароль".toCharArray(), Passphrases.ask(typing("пароль"), "Passphrase: ", false));
    }
}
