package org.latchkey.scanner;

import org.latchkey.door.Outcome;
import org.latchkey.feedback.Answer;
import org.latchkey.token.SignedToken;
import org.tinylog.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The door's QR scanner: in serial mode (a tty such as {@code /dev/ttyACM0}: one code per line) or
 * in keyboard mode (an evdev node such as {@code /dev/input/by-id/usb-…-event-kbd}, taken
 * exclusively), the kind found from the device each time it is opened. Each code goes to the gate;
 * the answer goes to the door's feedback. An unplugged scanner is waited for and reopened.
 */
public final class ScannerInput implements Runnable {
    /** A token's limit: a longer code is dropped whole. */
    static final int MAX_CODE = SignedToken.MAX_ACCESS_TOKEN_BYTES;

    /** Between looks for an unplugged scanner. */
    static final Duration RETRY = Duration.ofSeconds(1);

    /** Where scanned tokens go: the {@link org.latchkey.access.AccessGate} in the daemon. */
    @FunctionalInterface
    public interface Presenter {
        CompletableFuture<Outcome> present(String text, String client);
    }

    /** Waits between looks for the device; tests count instead. */
    @FunctionalInterface
    interface Pause {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Path device;
    private final ScanAnswers answers;
    private final ScannerDevice.Finder kinds;
    private final EventDevice.Opener opener;
    private final InputEvent.Layout layout;
    private final Duration idleEnd;
    private final Pause pause;
    private volatile boolean running = true;
    private String lastProblem = "";

    /**
     * @param idleEnd a keyboard-mode code with no Enter or Tab after it ends after this long
     *     without keys
     * @param feedback gets the answer to every scan, for the door's lights and buzzer
     */
    public ScannerInput(Path device, Presenter gate, Duration idleEnd, Consumer<Answer> feedback) {
        this(
                device,
                new ScanAnswers(gate, feedback),
                ScannerDevice.system()::kindOf,
                LinuxEventDevice::open,
                InputEvent.Layout.ofRunningJvm(),
                idleEnd,
                Thread::sleep);
    }

    ScannerInput(
            Path device,
            ScanAnswers answers,
            ScannerDevice.Finder kinds,
            EventDevice.Opener opener,
            InputEvent.Layout layout,
            Duration idleEnd,
            Pause pause) {
        this.device = device;
        this.answers = answers;
        this.kinds = kinds;
        this.opener = opener;
        this.layout = layout;
        this.idleEnd = idleEnd;
        this.pause = pause;
    }

    @Override
    public void run() {
        while (running) {
            try {
                switch (kinds.kindOf(device)) {
                    case ScannerDevice.Kind.Serial s -> {
                        try (InputStream in = Files.newInputStream(device)) {
                            opened("serial mode");
                            readLines(in);
                        }
                        problem("scanner " + device + " closed");
                    }
                    case ScannerDevice.Kind.Keyboard k -> {
                        try (EventDevice in = opener.open(device)) {
                            opened("keyboard mode, taken exclusively");
                            readKeys(in);
                        }
                    }
                    case ScannerDevice.Kind.Refused r -> problem("scanner refused: " + r.why());
                }
            } catch (NoSuchFileException e) {
                problem("scanner " + device + " is not there (unplugged?); waiting for it");
            } catch (IOException e) {
                problem("scanner " + device + " unavailable: " + e.getMessage() + "; retrying");
            } catch (RuntimeException | LinkageError e) {
                // Never a silent end: a dead reader would leave a keyboard-mode scanner ungrabbed,
                // typing into the console.
                problem("scanner " + device + " failed: " + e + "; retrying");
            }
            try {
                pause.sleep(RETRY);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Why keyboard-mode scanners cannot be read on this machine (JNA's native library would not
     * load), if they cannot: the daemon checks at start instead of finding out in the reader.
     */
    public static java.util.Optional<String> keyboardSupportProblem() {
        try {
            LinuxEventDevice.load();
            return java.util.Optional.empty();
        } catch (LinkageError | RuntimeException e) {
            return java.util.Optional.of("JNA's native library does not load: " + e);
        }
    }

    /** Says what went wrong once, not at every retry. */
    private void problem(String text) {
        if (!text.equals(lastProblem)) {
            Logger.warn(text);
            lastProblem = text;
        }
    }

    private void opened(String kind) {
        Logger.info("reading tokens from the scanner at {} ({})", device, kind);
        lastProblem = "";
    }

    /**
     * Reads lines until the stream ends; each complete line goes to the gate. A line ends with LF,
     * CR or CR LF (a scanner in raw tty mode sends CR alone); empty lines are skipped; a line
     * longer than a token is dropped whole.
     */
    public void readLines(InputStream in) throws IOException {
        byte[] line = new byte[MAX_CODE];
        int length = 0;
        boolean overlong = false;
        int b;
        while (running && (b = in.read()) >= 0) {
            if (b == '\n' || b == '\r') {
                if (overlong) {
                    answers.accept(new Scan.Dropped(Scan.Why.OVERLONG));
                } else if (length > 0) {
                    answers.accept(
                            new Scan.Code(
                                    new String(line, 0, length, StandardCharsets.ISO_8859_1)));
                }
                length = 0;
                overlong = false;
            } else if (length < MAX_CODE) {
                line[length++] = (byte) b;
            } else {
                overlong = true;
            }
        }
    }

    /**
     * Reads key events until the device goes (unplugged: an IOException) or the input stops. A code
     * ends at Enter or Tab, or after {@code idleEnd} without keys.
     */
    void readKeys(EventDevice in) throws IOException {
        KeyboardDecoder decoder = new KeyboardDecoder(MAX_CODE);
        byte[] buffer = new byte[64 * layout.size()];
        int idleMillis = (int) Math.max(1, idleEnd.toMillis());
        while (running) {
            // Without a code under way, wake each second only to notice stop().
            int n = in.read(buffer, decoder.reading() ? idleMillis : 1000);
            if (n == 0) {
                decoder.idle().ifPresent(answers::accept);
                continue;
            }
            for (int at = 0; at + layout.size() <= n; at += layout.size()) {
                decoder.accept(layout.read(buffer, at)).ifPresent(answers::accept);
            }
        }
    }

    public void stop() {
        running = false;
    }
}
