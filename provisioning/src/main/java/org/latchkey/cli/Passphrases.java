package org.latchkey.cli;

import org.latchkey.token.Json;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Passphrases for key files: from a file (first line) or asked on the terminal. */
final class Passphrases {
    private static final int MAX_FILE_BYTES = 4096;

    private Passphrases() {}

    static char[] fromFile(Path file) throws CliException {
        String text = readUtf8(file);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            throw CliException.failed(file + ": the passphrase file's first line is empty");
        }
        return line.toCharArray();
    }

    static char[] ask(CliContext context, String question, boolean confirm) throws CliException {
        char[] first = context.prompt().ask(question);
        if (first == null) {
            throw CliException.usage(
                    "no terminal to ask for a passphrase on: use --passphrase-file FILE"
                            + (confirm ? " or --no-passphrase" : ""));
        }
        if (first.length == 0) {
            throw CliException.failed("the passphrase is empty");
        }
        if (new String(first).indexOf('\uFFFD') >= 0) {
            // The terminal's character set could not carry what was typed: every such character
            // would read the same, and the key would open with any passphrase of that length.
            Arrays.fill(first, '\0');
            throw CliException.failed(
                    "the passphrase has characters this terminal's character set cannot carry: use"
                            + " a UTF-8 locale (e.g. LANG=C.UTF-8) or --passphrase-file FILE");
        }
        if (confirm) {
            char[] again = context.prompt().ask("Repeat the passphrase: ");
            if (again == null || !Arrays.equals(first, again)) {
                throw CliException.failed("the two passphrases differ");
            }
            Arrays.fill(again, '\0');
        }
        return first;
    }

    /** A passphrase file's text: UTF-8, as OpenSSL takes the bytes of a -passin file. */
    private static String readUtf8(Path file) throws CliException {
        KeyFiles.readSmallText(
                file, MAX_FILE_BYTES, StandardCharsets.ISO_8859_1); // size, existence
        try {
            return Json.strictUtf8(Files.readAllBytes(file));
        } catch (CharacterCodingException e) {
            throw CliException.failed(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw CliException.failed(file + ": cannot read: " + IoProblems.describe(e));
        }
    }
}
