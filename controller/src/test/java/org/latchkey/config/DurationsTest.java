package org.latchkey.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.time.Duration;

class DurationsTest {
    @Test
    void parse_units() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    }

    @Test
    void parse_badText_isRefused() {
        for (String bad :
                new String[] {
                    "",
                    "4",
                    "h",
                    "4 h",
                    "-4h",
                    "4H",
                    "1.5h",
                    "9999999s",
                    "1h1h",
                    "30m1h",
                    "5s5s",
                    "1ms1s",
                    "2m2m"
                }) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
        }
    }

    @Test
    void format_roundTrips() {
        for (String s : new String[] {"4h", "1h30m", "7d", "1m30s", "2d3h4m5s", "250ms"}) {
            assertEquals(s, Durations.format(Durations.parse(s)));
        }
    }
}
