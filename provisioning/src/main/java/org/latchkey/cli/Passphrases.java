package org.latchkey.cli;

import java.nio.file.Path;
import java.util.Arrays;

/** Passphrases for key files: from a file (first line) or asked on the terminal. */
final class Passphrases {
    private static final int MAX_FILE_BYTES = 4096;

    private Passphrases() {}

    static char[] fromFile(Path file) throws CliException {
        String text = KeyFiles.readSmallText(file, MAX_FILE_BYTES);
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
        if (confirm) {
            char[] again = context.prompt().ask("Repeat the passphrase: ");
            if (again == null || !Arrays.equals(first, again)) {
                throw CliException.failed("the two passphrases differ");
            }
            Arrays.fill(again, '\0');
        }
        return first;
    }
}
