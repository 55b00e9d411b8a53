package org.latchkey.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Keeps a flood of ignored messages out of the audit log: one record per topic and reason per
 * window; the next record says how many were ignored in between. Topics are the few this door
 * subscribes to, so the map stays small.
 */
final class IgnoredMessages {
    static final Duration WINDOW = Duration.ofSeconds(10);

    private record Key(String topic, String reason) {}

    private static final class Seen {
        Duration last;
        long repeats;
        String detail;
    }

    /** Messages held back and not yet written: the record that says how many. */
    record Held(String topic, String reason, String detail, long repeats) {}

    private final Supplier<Duration> monotonic;
    private final Map<Key, Seen> seen = new HashMap<>();

    IgnoredMessages(Supplier<Duration> monotonic) {
        this.monotonic = monotonic;
    }

    /**
     * Whether this one gets its own record now, and if so how many were held back before it; empty:
     * counted only.
     */
    synchronized OptionalLong admit(String topic, String reason, String detail) {
        Duration now = monotonic.get();
        Seen s = seen.computeIfAbsent(new Key(topic, reason), k -> new Seen());
        s.detail = detail;
        if (s.last != null && now.minus(s.last).compareTo(WINDOW) < 0) {
            s.repeats++;
            return OptionalLong.empty();
        }
        long held = s.repeats;
        s.last = now;
        s.repeats = 0;
        return OptionalLong.of(held);
    }

    /**
     * The counts held back whose window has passed with no later message to carry them: written
     * now, so a burst that stops is not left out of the audit log until the next one.
     */
    synchronized List<Held> due() {
        Duration now = monotonic.get();
        List<Held> due = new ArrayList<>();
        seen.forEach(
                (k, s) -> {
                    if (s.repeats > 0 && now.minus(s.last).compareTo(WINDOW) >= 0) {
                        due.add(new Held(k.topic(), k.reason(), s.detail, s.repeats));
                        s.repeats = 0;
                        s.last = now;
                    }
                });
        return due;
    }
}
