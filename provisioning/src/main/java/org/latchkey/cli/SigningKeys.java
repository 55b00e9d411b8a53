package org.latchkey.cli;

import org.latchkey.token.SigningKey;

import java.nio.file.Path;
import java.util.Arrays;

/** Loads a private key file for signing, asking for the passphrase when it is encrypted. */
final class SigningKeys {
    private SigningKeys() {}

    static SigningKey load(Path keyFile, Path passphraseFile, CliContext context)
            throws CliException {
        return switch (KeyFiles.read(keyFile)) {
            case KeyFiles.Plain plain -> plain.key();
            case KeyFiles.Encrypted encrypted -> {
                char[] pass =
                        passphraseFile != null
                                ? Passphrases.fromFile(passphraseFile)
                                : Passphrases.ask(
                                        context,
                                        "Passphrase for " + keyFile.getFileName() + ": ",
                                        false);
                try {
                    yield encrypted.decrypt(pass);
                } finally {
                    Arrays.fill(pass, '\0');
                }
            }
        };
    }
}
