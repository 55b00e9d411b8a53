package org.latchkey.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.latchkey.door.Outcome;
import org.latchkey.feedback.Answer;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

class ScannerInputTest {
    final List<String> presented = new ArrayList<>();
    final List<Answer> answers = new ArrayList<>();
    final ScannerInput scanner =
            new ScannerInput(
                    Path.of("/dev/null"),
                    (text, client) -> {
                        presented.add(client + ":" + text);
                        return CompletableFuture.completedFuture(Outcome.granted("test"));
                    },
                    java.time.Duration.ofMillis(100),
                    answers::add);

    @Test
    void eachLineIsPresented_anyLineEnd_blankLinesSkipped() throws Exception {
        scanner.readLines(stream("v4.public.a\r\n\nv4.public.b\nv4.public.c\rv4.public.d\r"));
        assertEquals(
                List.of(
                        "scanner:v4.public.a",
                        "scanner:v4.public.b",
                        "scanner:v4.public.c",
                        "scanner:v4.public.d"),
                presented,
                "LF, CRLF and a raw tty's CR alone all end a line");
    }

    @Test
    void overlongLine_isDroppedWhole_andTheNextLineStillWorks() throws Exception {
        scanner.readLines(stream("x".repeat(100_000) + "\nv4.public.ok\n"));
        assertEquals(List.of("scanner:v4.public.ok"), presented);
        assertEquals(
                List.of(Answer.REFUSED, Answer.GRANTED),
                answers,
                "the person at the door hears that the long code was refused");
    }

    @Test
    void endlessStreamWithoutNewline_keepsMemoryFlat_andPresentsNothing() throws Exception {
        InputStream endless =
                new InputStream() {
                    long left = 50_000_000L;

                    @Override
                    public int read() {
                        return left-- > 0 ? 'A' : -1;
                    }
                };
        scanner.readLines(endless);
        assertEquals(List.of(), presented);
    }

    @Test
    void lastLineWithoutNewline_isNotPresented() throws Exception {
        scanner.readLines(stream("v4.public.partial"));
        assertEquals(List.of(), presented);
    }

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }
}
