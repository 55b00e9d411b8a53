package org.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * The weekly-hours check as the door makes it (the instant in the door's zone, then the rules on
 * the wall clock), around the days the clocks change: a rule covers exactly the instants whose wall
 * time lies in it, whatever the offset; the hour that happens twice is in or out both times; the
 * hour that never happens is never in.
 */
class WeeklyHoursDstTest {
    static final List<ZoneId> ZONES =
            List.of(
                    ZoneId.of("Europe/Berlin"),
                    ZoneId.of("America/New_York"),
                    ZoneId.of("Australia/Sydney"),
                    ZoneId.of("UTC"));

    /** The 2026 changes of those zones (Sydney's are in April and October too). */
    static final List<Instant> CHANGES =
            List.of(
                    Instant.parse("2026-03-29T01:00:00Z"),
                    Instant.parse("2026-10-25T01:00:00Z"),
                    Instant.parse("2026-03-08T07:00:00Z"),
                    Instant.parse("2026-11-01T06:00:00Z"),
                    Instant.parse("2026-04-04T16:00:00Z"),
                    Instant.parse("2026-10-03T16:00:00Z"));

    static final List<String> DAYS = List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");

    @Property(tries = 2000)
    void aRule_coversExactlyTheInstantsWhoseWallTimeLiesInIt(
            @ForAll("nearAChange") Instant t,
            @ForAll @IntRange(min = 0, max = 3) int zone,
            @ForAll @IntRange(min = 0, max = 6) int day,
            @ForAll @IntRange(min = 0, max = 1439) int start,
            @ForAll @IntRange(min = 1, max = 1440) int length) {
        int end = Math.min(1440, start + length);
        String rule = String.format("%s %s-%s", DAYS.get(day), hhmm(start), hhmm(end));
        ZonedDateTime wall = t.atZone(ZONES.get(zone));
        // The reference: day of the week and LocalTime comparisons, not the minute arithmetic.
        LocalTime from = LocalTime.of(start / 60, start % 60);
        boolean expected =
                wall.getDayOfWeek() == DayOfWeek.of(day + 1)
                        && !wall.toLocalTime().isBefore(from)
                        && (end == 1440
                                || wall.toLocalTime().isBefore(LocalTime.of(end / 60, end % 60)));
        assertEquals(expected, WeeklyHours.parse(rule).contains(wall.toLocalDateTime()), rule);
    }

    /**
     * The text a token carries ({@code toString}) reads back to the same hours, and is no longer
     * than the shortest way to write the days: a token's hours are re-read by the door under the
     * same 200-character limit.
     */
    @Property(tries = 1000)
    void theWrittenForm_readsBackTheSame(
            @ForAll @IntRange(min = 1, max = 127) int dayBits,
            @ForAll @IntRange(min = 0, max = 1439) int start) {
        List<String> days = new java.util.ArrayList<>();
        for (int d = 0; d < 7; d++) {
            if ((dayBits & (1 << d)) != 0) {
                days.add(DAYS.get(d));
            }
        }
        String rule = String.join(",", days) + " " + hhmm(start) + "-24:00";
        WeeklyHours h = WeeklyHours.parse(rule);
        assertEquals(h, WeeklyHours.parse(h.toString()), rule + " -> " + h);
        assertTrue(h.toString().length() <= rule.length(), rule + " -> " + h);
        if (dayBits == 127) {
            assertEquals("Mon-Sun " + hhmm(start) + "-24:00", h.toString());
        }
    }

    /** When the clocks go back, an hour happens twice: the answer is the same both times. */
    @Property(tries = 500)
    void theRepeatedHour_isInOrOutBothTimes(
            @ForAll @IntRange(min = 0, max = 3599) int second,
            @ForAll @IntRange(min = 0, max = 1439) int start,
            @ForAll @IntRange(min = 1, max = 120) int length) {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        Instant first = Instant.parse("2026-10-25T00:00:00Z").plusSeconds(second); // 02:xx CEST
        Instant again = first.plus(Duration.ofHours(1)); // 02:xx CET
        assertEquals(
                first.atZone(berlin).toLocalDateTime(), again.atZone(berlin).toLocalDateTime());
        WeeklyHours h =
                WeeklyHours.parse(
                        "Sun " + hhmm(start) + "-" + hhmm(Math.min(1440, start + length)));
        assertEquals(
                h.contains(first.atZone(berlin).toLocalDateTime()),
                h.contains(again.atZone(berlin).toLocalDateTime()));
    }

    /**
     * "Sun 00:00-24:00" admits 23 hours of real time on the day the clocks go forward and 25 on the
     * day they go back; "Sun 02:00-03:00" none and two.
     */
    @Test
    void aWholeDay_isAsLongAsTheDayIs() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        WeeklyHours sunday = WeeklyHours.parse("Sun 00:00-24:00");
        WeeklyHours twoToThree = WeeklyHours.parse("Sun 02:00-03:00");
        assertEquals(Duration.ofHours(23), admitted(sunday, LocalDate.of(2026, 3, 29), berlin));
        assertEquals(Duration.ofHours(25), admitted(sunday, LocalDate.of(2026, 10, 25), berlin));
        assertEquals(Duration.ZERO, admitted(twoToThree, LocalDate.of(2026, 3, 29), berlin));
        assertEquals(Duration.ofHours(2), admitted(twoToThree, LocalDate.of(2026, 10, 25), berlin));
    }

    /** Real time admitted between the day before and the day after, minute by minute. */
    private static Duration admitted(WeeklyHours h, LocalDate day, ZoneId zone) {
        Instant from = day.minusDays(1).atStartOfDay(zone).toInstant();
        Instant to = day.plusDays(2).atStartOfDay(zone).toInstant();
        long minutes = 0;
        for (Instant t = from; t.isBefore(to); t = t.plusSeconds(60)) {
            if (h.contains(t.atZone(zone).toLocalDateTime())) {
                minutes++;
            }
        }
        return Duration.ofMinutes(minutes);
    }

    @Provide
    Arbitrary<Instant> nearAChange() {
        return Arbitraries.of(CHANGES)
                .flatMap(
                        c ->
                                Arbitraries.longs()
                                        .between(-3 * 86_400, 3 * 86_400)
                                        .map(c::plusSeconds));
    }

    private static String hhmm(int minute) {
        return String.format("%02d:%02d", minute / 60, minute % 60);
    }
}
