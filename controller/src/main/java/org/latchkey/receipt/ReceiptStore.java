package org.latchkey.receipt;

import org.latchkey.store.Storage;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The door's signed receipts, {@code receipts.log} in the state directory: one line each, {@code
 * <n> <receipt>}, appended and fsync'ed. Bounded: past {@link #MAX_KEPT} the oldest go, so that
 * {@link #KEEP_AFTER_TRIM} stay; what went is counted (receipt numbers are consecutive, so the
 * first one kept says how many).
 */
public final class ReceiptStore {
    public static final String FILE = "receipts.log";

    /** About 900 bytes a receipt: under a megabyte of disk. */
    public static final int MAX_KEPT = 1000;

    static final int KEEP_AFTER_TRIM = 750;

    private static final Pattern LINE =
            Pattern.compile("(\\d{1,18}) (v4\\.public\\.[A-Za-z0-9_.-]+)");

    /** One stored receipt. */
    public record Stored(long n, String text) {}

    private final Storage storage;
    private final Path file;
    private long last;
    private long firstKept;
    private int lines;

    private ReceiptStore(Storage storage, Path file) {
        this.storage = storage;
        this.file = file;
    }

    /** Opens the store; a torn last line (a crash while appending) is cut off. */
    public static ReceiptStore open(Storage storage, Path stateDir) {
        ReceiptStore s = new ReceiptStore(storage, stateDir.resolve(FILE));
        s.cutTornTail();
        List<Stored> all = s.readAll();
        s.lines = all.size();
        s.firstKept = all.isEmpty() ? 0 : all.get(0).n();
        s.last = all.isEmpty() ? 0 : all.get(all.size() - 1).n();
        return s;
    }

    /** A crash in the middle of an append leaves a partial line: cut, so the next starts clean. */
    private void cutTornTail() {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            if (end < bytes.length) {
                try (Storage.Appender out = storage.append(file)) {
                    out.truncate(end);
                }
                Logger.warn("{}: a torn last line was cut off", file);
            }
        } catch (NoSuchFileException e) {
            // no receipt yet
        } catch (IOException | UnsupportedOperationException e) {
            Logger.debug("{}: not checked for a torn line ({})", file, e.getMessage());
        }
    }

    /** The number the next receipt gets. */
    public synchronized long next() {
        return last + 1;
    }

    /** How many receipts were dropped to keep the store bounded. */
    public synchronized long dropped() {
        return firstKept == 0 ? 0 : firstKept - 1;
    }

    /**
     * Appends receipt {@code n} (fsync'ed), trimming the oldest when the store is full. The number
     * is spent even when the write fails: the receipt was signed and sent with it, and a second
     * receipt with the same number would confuse whoever holds the first.
     */
    public synchronized void append(long n, String text) throws IOException {
        last = Math.max(last, n);
        byte[] line = (n + " " + text + "\n").getBytes(StandardCharsets.US_ASCII);
        if (lines >= MAX_KEPT) {
            List<Stored> all = readAll();
            StringBuilder keep = new StringBuilder();
            List<Stored> kept =
                    all.subList(Math.max(0, all.size() - KEEP_AFTER_TRIM + 1), all.size());
            kept.forEach(r -> keep.append(r.n()).append(' ').append(r.text()).append('\n'));
            keep.append(new String(line, StandardCharsets.US_ASCII));
            storage.replace(file, keep.toString().getBytes(StandardCharsets.US_ASCII));
            lines = kept.size() + 1;
            firstKept = kept.isEmpty() ? n : kept.get(0).n();
            Logger.info("{}: {} receipts kept, the {} oldest dropped", file, lines, dropped());
        } else {
            try (Storage.Appender out = storage.append(file)) {
                out.write(line);
                out.force();
            }
            lines++;
            if (firstKept == 0) {
                firstKept = n;
            }
        }
    }

    /** Receipts numbered after {@code after}, oldest first, at most {@code limit}. */
    public synchronized List<Stored> since(long after, int limit) {
        List<Stored> out = new ArrayList<>();
        for (Stored r : readAll()) {
            if (r.n() > after && out.size() < limit) {
                out.add(r);
            }
        }
        return out;
    }

    /** Every whole, well-formed line; anything else (a torn write) is passed over. */
    private List<Stored> readAll() {
        List<Stored> out = new ArrayList<>();
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            Logger.error("{} cannot be read: {}", file, e.getMessage());
            return out;
        }
        int end = text.lastIndexOf('\n') + 1;
        for (String l : text.substring(0, end).split("\n")) {
            Matcher m = LINE.matcher(l);
            if (m.matches()) {
                out.add(new Stored(Long.parseLong(m.group(1)), m.group(2)));
            }
        }
        return out;
    }
}
