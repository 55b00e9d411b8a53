package org.latchkey.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.latchkey.cli.CliContext;
import org.latchkey.cli.LatchkeyCommand;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * {@code latchkey token inspect} on any argument: it shows the claims or refuses with a reason
 * (exit 0 or 3, 2 for what picocli takes for an option), never an internal error, and nothing it
 * prints can drive a terminal.
 */
class TokenInspectFuzzTest {
    @FuzzTest
    void inspect(byte[] input) {
        String token = new String(input, StandardCharsets.ISO_8859_1);
        if (token.equals("-")) {
            return; // "-" reads the token from stdin: not an input of this target
        }
        for (boolean json : new boolean[] {false, true}) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = LatchkeyCommand.commandLine(CliContext.system());
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            int code =
                    json
                            ? cl.execute("token", "inspect", "--json", "--", token)
                            : cl.execute("token", "inspect", "--", token);
            assertTrue(code == 0 || code == 2 || code == 3, "exit " + code + ": " + err);
            String printed = out + "" + err;
            assertTrue(
                    printed.chars()
                            .noneMatch(
                                    c ->
                                            (c < 0x20 && c != '\n' && c != '\r')
                                                    || (c >= 0x7F && c <= 0x9F)),
                    "a control character reached the terminal: " + printed);
        }
    }
}
