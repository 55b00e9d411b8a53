package org.latchkey.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.latchkey.door.Outcome;
import org.latchkey.scanner.InputEvent;
import org.latchkey.scanner.KeyboardDecoder;
import org.latchkey.scanner.Scan;
import org.latchkey.scanner.ScannerInput;
import org.latchkey.token.TokenRejectedException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The scanner's line reader on any byte stream: each line it hands on is bounded and holds no line
 * end, and reaches the token verifier, which answers.
 */
class ScannerFuzzTest {
    @FuzzTest
    void lines(byte[] input) throws IOException {
        ScannerInput scanner =
                new ScannerInput(
                        Path.of("/dev/null"),
                        (text, client) -> {
                            assertTrue(
                                    text.length() <= 2048 + 2
                                            && text.indexOf('\n') < 0
                                            && text.indexOf('\r') < 0
                                            && !text.isEmpty(),
                                    "one bounded line");
                            try {
                                FuzzDoor.TOKENS.verify(text, FuzzDoor.CLOCK, FuzzDoor.REVOKED);
                                return CompletableFuture.completedFuture(Outcome.granted("fuzz"));
                            } catch (TokenRejectedException e) {
                                return CompletableFuture.completedFuture(
                                        Outcome.refused(e.reason(), e.detail()));
                            }
                        },
                        java.time.Duration.ofMillis(100),
                        answer -> {});
        scanner.readLines(new ByteArrayInputStream(input)); // returns: nothing hangs on any input
    }

    /**
     * The keyboard-mode decoder on any bytes read as event records, in both sizes: every code it
     * finds is bounded and printable ASCII without spaces (what the gate is handed).
     */
    @FuzzTest
    void keys(byte[] input) {
        for (InputEvent.Layout layout : InputEvent.Layout.values()) {
            for (Scan scan : KeyboardDecoder.decode(input, layout, 2048)) {
                if (scan instanceof Scan.Code code) {
                    String text = code.text();
                    assertTrue(
                            !text.isEmpty()
                                    && text.length() <= 2048
                                    && text.chars().allMatch(c -> c > ' ' && c < 0x7f),
                            "a bounded, printable code");
                }
            }
        }
    }
}
