package org.latchkey.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The consumed {@code once} tokens: (kid, jti, exp), one line each, appended and fsync'ed before the bolt
 * moves, so a token can never open twice, across restarts and power cuts. An entry is dropped only when
 * its {@code exp + skew} lies before the time floor (it could not verify any more anyway).
 */
public final class OneTimeStore {
    public enum Result {
        CONSUMED,
        ALREADY_USED
    }

    static final String FILE = "once.log";
    private static final Pattern LINE = Pattern.compile("(k4\\.pid\\.[A-Za-z0-9_-]{44}) ([A-Za-z0-9_-]{16,64}) (-?\\d{1,19})");

    private final Path file;
    private final Map<String, Instant> used = new HashMap<>();

    private OneTimeStore(Path file) {
        this.file = file;
    }

    /** Loads the store, dropping entries expired before the floor; a torn last line (a crash mid-write) is ignored. */
    public static OneTimeStore open(Path stateDir, Instant floor, Duration skew) throws IOException {
        OneTimeStore store = new OneTimeStore(stateDir.resolve(FILE));
        boolean pruned = false;
        if (Files.exists(store.file)) {
            String text = Files.readString(store.file, StandardCharsets.US_ASCII);
            int end = text.lastIndexOf('\n') + 1; // anything after the last newline was never durable
            for (String line : text.substring(0, end).split("\n")) {
                var m = LINE.matcher(line);
                if (!m.matches()) {
                    pruned |= !line.isEmpty();
                    continue;
                }
                Instant exp = Instant.ofEpochSecond(Long.parseLong(m.group(3)));
                if (exp.plus(skew).isBefore(floor)) {
                    pruned = true;
                } else {
                    store.used.put(key(m.group(1), m.group(2)), exp);
                }
            }
            pruned |= end != text.length();
        }
        if (pruned) {
            store.rewrite();
        }
        return store;
    }

    public synchronized boolean isUsed(String kid, String jti) {
        return used.containsKey(key(kid, jti));
    }

    /**
     * Records the token as used and forces it to disk. Only after this returns {@link Result#CONSUMED} may the
     * bolt move.
     *
     * @throws IOException when the store cannot be written (full, read-only): the token must be refused
     */
    public synchronized Result consume(String kid, String jti, Instant exp) throws IOException {
        String key = key(kid, jti);
        if (used.containsKey(key)) {
            return Result.ALREADY_USED;
        }
        byte[] line = (kid + " " + jti + " " + exp.getEpochSecond() + "\n").getBytes(StandardCharsets.US_ASCII);
        boolean created = !Files.exists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        if (created) {
            AtomicFiles.syncDirectory(file.getParent());
        }
        used.put(key, exp);
        return Result.CONSUMED;
    }

    public synchronized int size() {
        return used.size();
    }

    private void rewrite() throws IOException {
        StringBuilder sb = new StringBuilder();
        used.forEach((k, exp) -> sb.append(k).append(' ').append(exp.getEpochSecond()).append('\n'));
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static String key(String kid, String jti) {
        return kid + " " + jti;
    }
}
