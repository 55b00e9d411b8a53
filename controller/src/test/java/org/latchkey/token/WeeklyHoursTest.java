package org.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;

class WeeklyHoursTest {
    // 2026-11-23 is a Monday.
    private static LocalDateTime at(int day, int hour, int minute) {
        return LocalDateTime.of(2026, 11, 23 + day, hour, minute);
    }

    @Test
    void contains_monToSat_daytime() {
        WeeklyHours h = WeeklyHours.parse("Mon-Sat 08:00-20:00");
        assertTrue(h.contains(at(0, 8, 0)));
        assertTrue(h.contains(at(5, 19, 59)));
        assertFalse(h.contains(at(5, 20, 0)));
        assertFalse(h.contains(at(2, 7, 59)));
        assertFalse(h.contains(at(6, 12, 0)));
    }

    @Test
    void contains_severalRulesListsAndWrappingRanges() {
        WeeklyHours h = WeeklyHours.parse("Mon,Wed 09:00-12:00; Fri-Mon 22:00-24:00");
        assertTrue(h.contains(at(0, 9, 30)));
        assertFalse(h.contains(at(1, 9, 30)));
        assertTrue(h.contains(at(6, 23, 59)));
        assertTrue(h.contains(at(0, 22, 0)));
        assertFalse(h.contains(at(3, 23, 0)));
        assertEquals("Mon,Wed 09:00-12:00; Fri-Mon 22:00-24:00", h.toString());
    }

    @Test
    void parse_badText_isRefusedWithTheReason() {
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> WeeklyHours.parse("Mon-Sat 20:00-08:00"))
                        .getMessage()
                        .contains("overnight"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> WeeklyHours.parse("Mox 08:00-09:00"))
                        .getMessage()
                        .contains("unknown day"));
        assertThrows(IllegalArgumentException.class, () -> WeeklyHours.parse("Mon 8-9"));
        assertThrows(IllegalArgumentException.class, () -> WeeklyHours.parse("Mon 08:00-24:30"));
        assertThrows(IllegalArgumentException.class, () -> WeeklyHours.parse(""));
    }
}
