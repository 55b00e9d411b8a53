package org.latchkey.feedback;

import org.latchkey.hal.Indicators.Signal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The door's lights and beeps: one table (docs/wiring.md, "Feedback at the door"), after common
 * access readers (esp-rfid, Nuki, igloohome, dormakaba). Each pattern lists when each output is on,
 * in milliseconds from its start; a repeating one starts over every {@code periodMillis}. The green
 * light also follows the door: on while it is unlocked for a grant ({@link FeedbackShow}).
 */
public enum Pattern {
    /** Two short beeps. */
    GRANTED(0, Map.of(Signal.BUZZER, List.of(0, 100, 200, 300))),
    /** Red for a second, three short beeps. */
    REFUSED(
            0,
            Map.of(
                    Signal.RED,
                    List.of(0, 1000),
                    Signal.BUZZER,
                    List.of(0, 100, 200, 300, 400, 500))),
    /** Two slow red blinks, no beep: scan again in a moment. */
    TRY_AGAIN(0, Map.of(Signal.RED, List.of(0, 400, 800, 1200))),
    /** A short red blink every three seconds while the door needs help. */
    NEEDS_HELP(3000, Map.of(Signal.RED, List.of(0, 200))),
    /** Half a second on, half off, while the siren lasts. */
    SIREN(1000, Map.of(Signal.BUZZER, List.of(0, 500)));

    private final int periodMillis;

    /** Per output: on at the 1st, off at the 2nd, on at the 3rd… (ms). */
    private final Map<Signal, List<Integer>> edges;

    Pattern(int periodMillis, Map<Signal, List<Integer>> edges) {
        this.periodMillis = periodMillis;
        this.edges = edges;
    }

    public static Pattern answering(Answer answer) {
        return switch (answer) {
            case GRANTED -> GRANTED;
            case REFUSED -> REFUSED;
            case TRY_AGAIN -> TRY_AGAIN;
        };
    }

    public boolean repeats() {
        return periodMillis > 0;
    }

    /** A pattern that does not repeat is over after this. */
    public Duration length() {
        int end = 0;
        for (List<Integer> e : edges.values()) {
            end = Math.max(end, e.getLast());
        }
        return Duration.ofMillis(end);
    }

    /** Whether {@code signal} is on {@code since} the pattern started. */
    public boolean on(Signal signal, Duration since) {
        List<Integer> e = edges.get(signal);
        if (e == null || since.isNegative()) {
            return false;
        }
        long at = offset(since);
        boolean on = false;
        for (int edge : e) {
            if (at < edge) {
                break;
            }
            on = !on;
        }
        return on;
    }

    /** The first moment after {@code since} at which some output changes, if any. */
    public Optional<Duration> nextChange(Duration since) {
        long at = offset(since);
        long base = since.toMillis() - at;
        long next = Long.MAX_VALUE;
        for (List<Integer> e : edges.values()) {
            for (int edge : e) {
                if (edge > at) {
                    next = Math.min(next, edge);
                    break;
                }
            }
        }
        if (next == Long.MAX_VALUE) {
            return repeats()
                    ? Optional.of(Duration.ofMillis(base + periodMillis))
                    : Optional.empty();
        }
        return Optional.of(Duration.ofMillis(base + next));
    }

    private long offset(Duration since) {
        long ms = since.toMillis();
        return repeats() ? ms % periodMillis : ms;
    }
}
