package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** Times as people type them, read in the door's zone, the clock changes refused. */
class LocalTimesTest {
    static final LocalTimes.Zone BERLIN = LocalTimes.Zone.door(ZoneId.of("Europe/Berlin"));
    static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-12-07T12:00:00Z"));

    final StringWriter said = new StringWriter();

    Instant parse(String text, boolean dateAllowed) throws CliException {
        return LocalTimes.parse(
                text, "--not-before", CLOCK, BERLIN, dateAllowed, new PrintWriter(said, true));
    }

    @Test
    void everyForm_readsTheSameInstant_andSaysWhichZone() throws Exception {
        Instant nine = Instant.parse("2026-12-08T08:00:00Z"); // 09:00 in Berlin (CET)
        assertEquals(nine, parse("2026-12-08 09:00", false));
        assertEquals(nine, parse("2026-12-08T09:00", false));
        assertEquals(nine, parse("2026-12-08 09:00:00", false));
        assertTrue(
                said.toString()
                        .contains(
                                "--not-before 2026-12-08 09:00 read in Europe/Berlin (the door's"
                                        + " time zone): 2026-12-08T08:00:00Z"),
                said.toString());
        assertEquals(nine, parse("2026-12-08T09:00:00+01:00", false));
        assertEquals(nine, parse("2026-12-08T08:00:00Z", false));
        assertEquals(CLOCK.instant(), parse("now", false));
        assertEquals(Instant.parse("2026-12-07T23:00:00Z"), parse("2026-12-08", true));
    }

    @Test
    void aTimeTheClocksSkip_orPassTwice_isRefused_sayingWhatToWrite() {
        CliException gap = assertThrows(CliException.class, () -> parse("2026-03-29 02:30", false));
        assertEquals(ExitCode.USAGE, gap.exitCode());
        assertTrue(gap.getMessage().contains("does not exist in Europe/Berlin"), gap.getMessage());
        assertTrue(gap.getMessage().contains("from 02:00 to 03:00"), gap.getMessage());
        CliException twice =
                assertThrows(CliException.class, () -> parse("2026-10-25 02:30", false));
        assertTrue(twice.getMessage().contains("happens twice"), twice.getMessage());
        assertTrue(
                twice.getMessage().contains("2026-10-25T02:30:00+02:00 (the first)")
                        && twice.getMessage().contains("2026-10-25T02:30:00+01:00 (the second)"),
                twice.getMessage());
        // What the refusal suggests is read as it says.
        String first =
                twice.getMessage().replaceAll("(?s).*?(2026-10-25T02:30:00\\+02:00).*", "$1");
        assertEquals(
                Instant.parse("2026-10-25T00:30:00Z"),
                org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> parse(first, false)));
    }

    @Test
    void badText_isAUsageErrorNamingTheForms() {
        for (String bad :
                new String[] {
                    "tomorrow",
                    "2026-13-01 09:00",
                    "2026-12-08 25:00",
                    "2026-12-08 9:00",
                    "x".repeat(65)
                }) {
            CliException e = assertThrows(CliException.class, () -> parse(bad, false), bad);
            assertEquals(ExitCode.USAGE, e.exitCode(), bad);
            assertTrue(e.getMessage().startsWith("--not-before"), e.getMessage());
        }
        CliException day = assertThrows(CliException.class, () -> parse("2026-12-08", false));
        assertTrue(day.getMessage().contains("give a time too"), day.getMessage());
    }

    /**
     * Every 7th minute of 2026 in three zones with clock changes (all the changes' hours among
     * them): a wall time that exists once reads as that wall time there; one that does not, or
     * twice, is refused.
     */
    @Test
    void aLocalTime_readsAsThatWallTimeInTheZone_allYear() throws Exception {
        StringWriter sink = new StringWriter();
        int refused = 0;
        for (String name : new String[] {"Europe/Berlin", "America/New_York", "Australia/Sydney"}) {
            ZoneId id = ZoneId.of(name);
            LocalTimes.Zone zone = LocalTimes.Zone.door(id);
            for (LocalDateTime t = LocalDateTime.of(2026, 1, 1, 0, 0);
                    t.getYear() == 2026;
                    t = t.plusMinutes(7)) {
                String text = t.toLocalDate() + " " + t.toLocalTime();
                if (id.getRules().getValidOffsets(t).size() == 1) {
                    assertEquals(
                            ZonedDateTime.of(t, id).toInstant(),
                            LocalTimes.parse(
                                    text, "--at", CLOCK, zone, false, new PrintWriter(sink)),
                            text + " " + name);
                } else {
                    refused++;
                    assertThrows(
                            CliException.class,
                            () ->
                                    LocalTimes.parse(
                                            text,
                                            "--at",
                                            CLOCK,
                                            zone,
                                            false,
                                            new PrintWriter(sink)),
                            text + " " + name);
                }
            }
        }
        // Two changes a year in each zone, an hour each: 8 or 9 seven-minute steps in each.
        assertTrue(refused >= 48 && refused <= 54, "refused " + refused);
    }
}
