package org.latchkey.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import org.junit.jupiter.api.Test;
import org.latchkey.door.Outcome;
import org.latchkey.hal.Indicators.Signal;
import org.latchkey.token.RejectionReason;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

class FeedbackShowTest {
    @Test
    void everyReason_hasItsAnswer_asTheTableSays() {
        Set<RejectionReason> tryAgain =
                Set.of(
                        RejectionReason.BUSY,
                        RejectionReason.RATE_LIMITED,
                        RejectionReason.CAMERA_NOT_READY);
        for (RejectionReason r : RejectionReason.values()) {
            Answer a = Answer.of(Outcome.refused(r, "test"));
            assertEquals(tryAgain.contains(r) ? Answer.TRY_AGAIN : Answer.REFUSED, a, r.name());
        }
        assertEquals(Answer.GRANTED, Answer.of(Outcome.granted("test")));
    }

    @Test
    void theTable_byTheClock() {
        // granted: two short beeps
        assertOnAt(Pattern.GRANTED, Signal.BUZZER, 0, 99, 200, 299);
        assertOffAt(Pattern.GRANTED, Signal.BUZZER, 100, 199, 300, 5000);
        assertOffAt(Pattern.GRANTED, Signal.RED, 0, 150);
        // refused: red for 1 s, three short beeps
        assertOnAt(Pattern.REFUSED, Signal.RED, 0, 999);
        assertOffAt(Pattern.REFUSED, Signal.RED, 1000);
        assertOnAt(Pattern.REFUSED, Signal.BUZZER, 0, 200, 400);
        assertOffAt(Pattern.REFUSED, Signal.BUZZER, 100, 300, 500);
        // try again: two slow red blinks, no beep
        assertOnAt(Pattern.TRY_AGAIN, Signal.RED, 0, 399, 800, 1199);
        assertOffAt(Pattern.TRY_AGAIN, Signal.RED, 400, 799, 1200);
        assertOffAt(Pattern.TRY_AGAIN, Signal.BUZZER, 0, 800);
        // needs help: a red blink every 3 s, for as long as it lasts
        assertOnAt(Pattern.NEEDS_HELP, Signal.RED, 0, 3000, 3_000_000 + 199);
        assertOffAt(Pattern.NEEDS_HELP, Signal.RED, 200, 2999, 3_000_000 + 200);
        assertEquals(Duration.ofMillis(1000), Pattern.REFUSED.length());
    }

    @Provide
    Arbitrary<FeedbackShow> shows() {
        Arbitrary<Optional<Duration>> at =
                Arbitraries.longs().between(0, 20_000).map(Duration::ofMillis).optional();
        Arbitrary<Optional<FeedbackShow.Played>> answer =
                Combinators.combine(
                                Arbitraries.of(Pattern.GRANTED, Pattern.REFUSED, Pattern.TRY_AGAIN),
                                Arbitraries.longs().between(0, 20_000))
                        .as((p, t) -> new FeedbackShow.Played(p, Duration.ofMillis(t)))
                        .optional();
        return Combinators.combine(
                        Arbitraries.of(true, false),
                        answer,
                        at,
                        at,
                        Arbitraries.longs().between(0, 30_000).map(Duration::ofMillis))
                .as(FeedbackShow::new);
    }

    /**
     * The player sleeps until nextChange: nothing may change before it, and something must change
     * at it (or it would wake for nothing, forever).
     */
    @Property(tries = 2000)
    void nothingChangesBeforeTheNextChange(
            @ForAll("shows") FeedbackShow show,
            @ForAll @IntRange(min = 0, max = 40_000) int nowMs) {
        Duration now = Duration.ofMillis(nowMs);
        Set<Signal> on = show.on(now);
        Optional<Duration> next = show.nextChange(now);
        Duration until = next.orElse(now.plusSeconds(60));
        assertTrue(until.compareTo(now) > 0, "the next change is later than now");
        for (Duration t = now; t.compareTo(until) < 0; t = t.plusMillis(7)) {
            if (!show.on(t).equals(on)) {
                throw new AssertionError("changed at " + t + " before the next change " + next);
            }
        }
        if (next.isEmpty()) {
            assertEquals(on, show.on(now.plusSeconds(3600)), "settled for good");
        }
    }

    @Test
    void green_followsTheUnlockedDoor_andTheHelpBlink_itsAlarms() {
        FeedbackShow dark = FeedbackShow.dark(Duration.ZERO);
        assertEquals(Set.of(), dark.on(Duration.ZERO));
        assertEquals(Optional.empty(), dark.nextChange(Duration.ZERO), "dark: nothing to wake for");
    }

    @Test
    void theSiren_soundsForItsTime_only() {
        FeedbackShow s =
                new FeedbackShow(
                        false,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(Duration.ofSeconds(10)),
                        Duration.ofSeconds(5));
        assertTrue(s.on(Duration.ofMillis(10_000)).contains(Signal.BUZZER));
        assertTrue(s.on(Duration.ofMillis(14_000)).contains(Signal.BUZZER));
        assertEquals(Set.of(), s.on(Duration.ofMillis(15_000)));
        assertEquals(Optional.empty(), s.nextChange(Duration.ofMillis(15_000)));
    }

    private static void assertOnAt(Pattern p, Signal s, int... ms) {
        for (int t : ms) {
            assertTrue(p.on(s, Duration.ofMillis(t)), p + " " + s + " on at " + t);
        }
    }

    private static void assertOffAt(Pattern p, Signal s, int... ms) {
        for (int t : ms) {
            assertTrue(!p.on(s, Duration.ofMillis(t)), p + " " + s + " off at " + t);
        }
    }
}
