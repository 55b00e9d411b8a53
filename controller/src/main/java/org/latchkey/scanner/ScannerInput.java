package org.latchkey.scanner;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.latchkey.door.Outcome;
import org.tinylog.Logger;

/**
 * A QR scanner in serial mode (e.g. {@code /dev/ttyACM0}): each line is a presented token. Lines longer than
 * a token can be are dropped whole with one log line; an unplugged scanner is retried.
 */
public final class ScannerInput implements Runnable {
    /** A token's limit plus its line end. */
    static final int MAX_LINE = 2048 + 2;
    private static final Duration RETRY = Duration.ofSeconds(5);

    /** Where scanned tokens go: the {@link AccessGate} in the daemon. */
    @FunctionalInterface
    public interface Presenter {
        Outcome present(String text, String client);
    }

    private final Path device;
    private final Presenter gate;
    private volatile boolean running = true;

    public ScannerInput(Path device, Presenter gate) {
        this.device = device;
        this.gate = gate;
    }

    @Override
    public void run() {
        while (running) {
            try (InputStream in = Files.newInputStream(device)) {
                Logger.info("reading tokens from the scanner at {}", device);
                readLines(in);
                Logger.warn("scanner {} closed", device);
            } catch (IOException e) {
                Logger.warn("scanner {} unavailable: {}; retrying in {} s", device, e.getMessage(), RETRY.toSeconds());
            }
            try {
                Thread.sleep(RETRY.toMillis()); // the only wait: for a scanner to be plugged back in
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Reads lines until the stream ends; each complete line goes to the gate. */
    void readLines(InputStream in) throws IOException {
        byte[] line = new byte[MAX_LINE];
        int length = 0;
        boolean overlong = false;
        int b;
        while (running && (b = in.read()) >= 0) {
            if (b == '\n') {
                if (overlong) {
                    Logger.warn("dropped an overlong scanner line (more than {} bytes)", MAX_LINE);
                } else if (length > 0) {
                    present(new String(line, 0, length, StandardCharsets.ISO_8859_1));
                }
                length = 0;
                overlong = false;
            } else if (length < MAX_LINE) {
                line[length++] = (byte) b;
            } else {
                overlong = true;
            }
        }
    }

    private void present(String text) {
        Outcome o = gate.present(text, "scanner");
        Logger.info("scanner token: {}", o.granted() ? "granted" : "refused " + o.refusal().get());
    }

    public void stop() {
        running = false;
    }
}
