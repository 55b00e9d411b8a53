package org.latchkey.access;

import org.latchkey.token.SignedToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Remembers which signed texts were refused lately (by their SHA-256, never the text), so that a
 * replay of one refused token costs one audit record, not one per request. Bounded in memory and in
 * time.
 */
final class RepeatFilter {
    static final Duration WINDOW = Duration.ofMinutes(10);
    private static final int MAX_ENTRIES = 4096;

    private final Supplier<Duration> monotonic;
    private final Map<String, Duration> seen =
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Duration> eldest) {
                    return size() > MAX_ENTRIES;
                }
            };

    RepeatFilter(Supplier<Duration> monotonic) {
        this.monotonic = monotonic;
    }

    /**
     * Records a refusal of {@code text}; whether it is the first within the window (then it is
     * audited).
     */
    synchronized boolean firstRefusal(String text) {
        Duration now = monotonic.get();
        Duration before = seen.put(digest(text), now);
        return before == null || now.minus(before).compareTo(WINDOW) > 0;
    }

    /** Whether {@code text} was refused within the window. */
    synchronized boolean refusedRecently(String text) {
        Duration before = seen.get(digest(text));
        return before != null && monotonic.get().minus(before).compareTo(WINDOW) <= 0;
    }

    private static String digest(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(
                                            SignedToken.withoutLineEnd(text)
                                                    .getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
