package org.latchkey.scanner;

import org.latchkey.door.Outcome;
import org.tinylog.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A QR scanner in serial mode (e.g. {@code /dev/ttyACM0}): each line is a presented token. Lines
 * longer than a token can be are dropped whole (and counted in the log); an unplugged scanner is
 * retried.
 */
public final class ScannerInput implements Runnable {
    /** A token's limit plus its line end. */
    static final int MAX_LINE = 2048 + 2;

    private static final Duration RETRY = Duration.ofSeconds(5);

    /** Where scanned tokens go: the {@link AccessGate} in the daemon. */
    @FunctionalInterface
    public interface Presenter {
        CompletableFuture<Outcome> present(String text, String client);
    }

    private final Path device;
    private final Presenter gate;
    private volatile boolean running = true;
    private long dropped;

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
                Logger.warn(
                        "scanner {} unavailable: {}; retrying in {} s",
                        device,
                        e.getMessage(),
                        RETRY.toSeconds());
            }
            try {
                Thread.sleep(
                        RETRY.toMillis()); // the only wait: for a scanner to be plugged back in
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Reads lines until the stream ends; each complete line goes to the gate. A line ends with LF,
     * CR or CR LF (a scanner in raw tty mode sends CR alone); empty lines are skipped.
     */
    public void readLines(InputStream in) throws IOException {
        byte[] line = new byte[MAX_LINE];
        int length = 0;
        boolean overlong = false;
        int b;
        while (running && (b = in.read()) >= 0) {
            if (b == '\n' || b == '\r') {
                if (overlong) {
                    dropped++;
                    if (dropped == 1 || dropped % 1000 == 0) {
                        Logger.warn(
                                "dropped {} overlong scanner line(s) (more than {} bytes each)",
                                dropped,
                                MAX_LINE);
                    }
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

    /**
     * Grants are logged; refusals are counted and summarised by the gate, never logged one by one.
     */
    private void present(String text) {
        Outcome o = gate.present(text, "scanner").join();
        if (o.granted()) {
            Logger.info("scanner token granted");
        }
    }

    public void stop() {
        running = false;
    }
}
