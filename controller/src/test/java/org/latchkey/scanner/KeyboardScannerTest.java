package org.latchkey.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.latchkey.door.Outcome;
import org.latchkey.feedback.Answer;
import org.latchkey.token.RejectionReason;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The keyboard-mode path from event bytes to the gate and the door's answer. */
class KeyboardScannerTest {
    static final Path DEVICE = Path.of("/dev/input/by-id/usb-Test_Scanner-event-kbd");

    final List<String> presented = new ArrayList<>();
    final List<Answer> answers = new ArrayList<>();
    final List<Duration> pauses = new ArrayList<>();

    /** A device that hands out prepared reads: bytes, a timeout (empty), or unplugging. */
    static final class ScriptedDevice implements EventDevice {
        final Deque<Object> reads = new ArrayDeque<>();
        final List<Integer> timeouts = new ArrayList<>();
        boolean closed;

        ScriptedDevice bytes(InputEvent.Layout layout, List<InputEvent> events) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (InputEvent e : events) {
                b.writeBytes(layout.write(e));
            }
            reads.add(b.toByteArray());
            return this;
        }

        ScriptedDevice idle() {
            reads.add(new byte[0]);
            return this;
        }

        ScriptedDevice unplugged() {
            reads.add(new IOException("No such device"));
            return this;
        }

        @Override
        public int read(byte[] buffer, int timeoutMillis) throws IOException {
            timeouts.add(timeoutMillis);
            Object next = reads.poll();
            if (next == null || next instanceof IOException) {
                throw next == null ? new IOException("script ended") : (IOException) next;
            }
            byte[] b = (byte[]) next;
            int n = Math.min(b.length, buffer.length); // the kernel's reads are whole records
            System.arraycopy(b, 0, buffer, 0, n);
            if (n < b.length) {
                reads.addFirst(java.util.Arrays.copyOfRange(b, n, b.length));
            }
            return n;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    ScannerInput reader(
            ScannerDevice.Finder kinds,
            EventDevice.Opener opener,
            InputEvent.Layout layout,
            int stopAfterPauses) {
        ScanAnswers scans =
                new ScanAnswers(
                        (text, client) -> {
                            presented.add(text);
                            return CompletableFuture.completedFuture(
                                    text.startsWith("v4.public.")
                                            ? Outcome.granted("ok")
                                            : Outcome.refused(
                                                    RejectionReason.MALFORMED, "not a token"));
                        },
                        answers::add);
        ScannerInput[] self = new ScannerInput[1];
        self[0] =
                new ScannerInput(
                        DEVICE,
                        scans,
                        kinds,
                        opener,
                        layout,
                        Duration.ofMillis(80),
                        d -> {
                            pauses.add(d);
                            if (pauses.size() >= stopAfterPauses) {
                                self[0].stop();
                            }
                        });
        return self[0];
    }

    static ScannerDevice.Finder keyboard() {
        return path -> new ScannerDevice.Kind.Keyboard();
    }

    static List<InputEvent> scan(String text, boolean enter) {
        List<InputEvent> e = new ArrayList<>(KeyTyping.type(text, KeyTyping.US, false));
        if (enter) {
            e.addAll(KeyTyping.tap(UsKeymap.KEY_ENTER));
        }
        return e;
    }

    @Test
    void bothRecordSizes_reachTheGate_andTheAnswerReachesTheFeedback() {
        for (InputEvent.Layout layout : InputEvent.Layout.values()) {
            presented.clear();
            answers.clear();
            pauses.clear();
            ScriptedDevice d =
                    new ScriptedDevice()
                            .bytes(layout, scan("v4.public.abc-_", true))
                            .bytes(layout, scan("hello", true))
                            .unplugged();
            reader(keyboard(), p -> d, layout, 1).run();
            assertEquals(List.of("v4.public.abc-_", "hello"), presented, layout.name());
            assertEquals(List.of(Answer.GRANTED, Answer.REFUSED), answers);
            assertEquals(
                    true, d.closed, "the device is closed (and its grab released) when it goes");
        }
    }

    @Test
    void aCodeWithoutEnter_endsAfterTheIdleGap_andOnlyThenIsThereATimeout() {
        ScriptedDevice d =
                new ScriptedDevice()
                        .bytes(InputEvent.Layout.BITS_64, scan("v4.public.x", false))
                        .idle()
                        .unplugged();
        reader(keyboard(), p -> d, InputEvent.Layout.BITS_64, 1).run();
        assertEquals(List.of("v4.public.x"), presented);
        assertEquals(List.of(1000, 80, 1000), d.timeouts, "idle_end while a code is under way");
    }

    @Test
    void aCodeSplitAcrossReads_isOneCode() {
        List<InputEvent> all = scan("v4.public.split", true);
        ScriptedDevice d =
                new ScriptedDevice()
                        .bytes(InputEvent.Layout.BITS_64, all.subList(0, 10))
                        .bytes(InputEvent.Layout.BITS_64, all.subList(10, all.size()))
                        .unplugged();
        reader(keyboard(), p -> d, InputEvent.Layout.BITS_64, 1).run();
        assertEquals(List.of("v4.public.split"), presented);
    }

    @Test
    void unpluggedAndPluggedBackIn_isReopened_andReadsOn() {
        Deque<Object> opens = new ArrayDeque<>();
        opens.add(
                new ScriptedDevice()
                        .bytes(InputEvent.Layout.BITS_64, scan("v4.public.one", true))
                        .unplugged());
        opens.add(new NoSuchFileException(DEVICE.toString()));
        opens.add(new NoSuchFileException(DEVICE.toString()));
        opens.add(
                new ScriptedDevice()
                        .bytes(InputEvent.Layout.BITS_64, scan("v4.public.two", true))
                        .unplugged());
        EventDevice.Opener opener =
                p -> {
                    Object next = opens.poll();
                    if (next instanceof IOException e) {
                        throw e;
                    }
                    return (EventDevice) next;
                };
        reader(keyboard(), opener, InputEvent.Layout.BITS_64, 4).run();
        assertEquals(List.of("v4.public.one", "v4.public.two"), presented);
        assertEquals(
                List.of(
                        ScannerInput.RETRY,
                        ScannerInput.RETRY,
                        ScannerInput.RETRY,
                        ScannerInput.RETRY),
                pauses);
    }

    @Test
    void aDeviceThatIsNotAKeyboard_isNeverOpened() {
        ScannerDevice.Finder mouse = path -> new ScannerDevice.Kind.Refused("a mouse");
        reader(
                        mouse,
                        p -> {
                            throw new AssertionError("opened a refused device");
                        },
                        InputEvent.Layout.BITS_64,
                        3)
                .run();
        assertEquals(List.of(), presented);
        assertEquals(3, pauses.size(), "looked at again: a replugged scanner may take its place");
    }

    @Test
    void garbageAndLostEvents_answerAtTheDoor_withoutReachingTheGate() {
        List<InputEvent> garbage = new ArrayList<>(KeyTyping.tap(59)); // F1
        garbage.addAll(scan("v4.public.x", true));
        List<InputEvent> lost = new ArrayList<>(scan("v4.pub", false));
        lost.add(InputEvent.syn(InputEvent.SYN_DROPPED));
        lost.add(InputEvent.syn(InputEvent.SYN_REPORT));
        lost.addAll(KeyTyping.tap(UsKeymap.KEY_ENTER));
        ScriptedDevice d =
                new ScriptedDevice()
                        .bytes(InputEvent.Layout.BITS_64, garbage)
                        .bytes(InputEvent.Layout.BITS_64, lost)
                        .unplugged();
        reader(keyboard(), p -> d, InputEvent.Layout.BITS_64, 1).run();
        assertEquals(List.of(), presented);
        assertEquals(List.of(Answer.REFUSED, Answer.TRY_AGAIN), answers);
    }

    @Test
    void theRealDevice_refusesAFileThatIsNotAnInputDevice(
            @org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = java.nio.file.Files.writeString(dir.resolve("not-input"), "x");
        IOException e = assertThrows(IOException.class, () -> LinuxEventDevice.open(file));
        assertEquals(true, e.getMessage().contains("not an input device"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> LinuxEventDevice.open(dir.resolve("gone")));
    }
}
