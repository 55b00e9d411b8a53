package org.latchkey.cli;

import org.latchkey.token.Rfc3339;

import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times as people type them: {@code now}, RFC 3339 with an offset, or a local time without one
 * ({@code 2026-12-08 09:00}, {@code 2026-12-08T09:00}, and where a day is meant, a bare date), read
 * in the door's time zone when the command knows the door, else in this machine's, and said which.
 * A local time the clocks skip, or pass twice, is refused: a door must not open an hour early or
 * late because a pass was written on the night the clocks change.
 */
final class LocalTimes {
    private static final int MAX_LENGTH = 64;
    private static final Pattern LOCAL =
            Pattern.compile("(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}(?::\\d{2})?)");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter WITH_OFFSET =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

    private static final DateTimeFormatter MINUTES =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx");
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

    private LocalTimes() {}

    /** An instant as people read it: the wall time in {@code zone}, with its offset. */
    static String show(Instant at, ZoneId zone, boolean seconds) {
        return (seconds ? SECONDS : MINUTES).format(at.atZone(zone));
    }

    /** The zone local times are read in, and whose it is, for the message that says so. */
    record Zone(ZoneId id, String whose) {
        static Zone door(ZoneId id) {
            return new Zone(id, "the door's time zone");
        }

        static Zone machine() {
            return new Zone(ZoneId.systemDefault(), "this machine's time zone");
        }
    }

    /**
     * Reads {@code text} given to {@code option}; a local time is read in {@code zone}, and a line
     * on {@code err} says which zone and what instant that was.
     *
     * @param dateAllowed whether a bare date (the start of that day) is accepted
     * @throws CliException a usage error naming the option, the forms it takes, and for a time the
     *     clocks skip or repeat, what to write instead
     */
    static Instant parse(
            String text,
            String option,
            InstantSource clock,
            Zone zone,
            boolean dateAllowed,
            PrintWriter err)
            throws CliException {
        if ("now".equals(text)) {
            return clock.instant();
        }
        if (text.length() > MAX_LENGTH) {
            throw CliException.usage(option + ": longer than a time can be");
        }
        Matcher local = LOCAL.matcher(text);
        if (local.matches()) {
            LocalDateTime t = localDateTime(local.group(1), local.group(2), text, option, zone);
            Instant at = resolve(t, option, zone);
            said(option, text, at, zone, err);
            return at;
        }
        if (DATE.matcher(text).matches()) {
            if (!dateAllowed) {
                throw CliException.usage(
                        option
                                + ": '"
                                + text
                                + "' is a day; give a time too, e.g. '"
                                + text
                                + " 09:00' ("
                                + zone.whose()
                                + ", "
                                + zone.id()
                                + ")");
            }
            Instant at = date(text, option).atStartOfDay(zone.id()).toInstant();
            said(option, text, at, zone, err);
            return at;
        }
        try {
            return Rfc3339.parse(text);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(
                    option
                            + ": '"
                            + Terminal.escape(text)
                            + "' is not a time: write it as 2026-12-08 09:00 (in "
                            + zone.whose()
                            + ", "
                            + zone.id()
                            + "), with an offset as 2026-12-08T09:00:00+01:00, or now");
        }
    }

    private static LocalDateTime localDateTime(
            String day, String time, String text, String option, Zone zone) throws CliException {
        try {
            return LocalDateTime.of(date(day, option), LocalTime.parse(time));
        } catch (DateTimeException e) {
            throw CliException.usage(option + ": '" + text + "' is not a time of day");
        }
    }

    private static LocalDate date(String day, String option) throws CliException {
        try {
            return LocalDate.parse(day);
        } catch (DateTimeException e) {
            throw CliException.usage(option + ": '" + day + "' is not a date");
        }
    }

    /** The one instant a local time names in the zone, or a refusal when it names none or two. */
    private static Instant resolve(LocalDateTime t, String option, Zone zone) throws CliException {
        List<ZoneOffset> offsets = zone.id().getRules().getValidOffsets(t);
        if (offsets.size() == 1) {
            return t.atOffset(offsets.get(0)).toInstant();
        }
        ZoneOffsetTransition change = zone.id().getRules().getTransition(t);
        if (offsets.isEmpty()) {
            throw CliException.usage(
                    option
                            + ": "
                            + t.format(SHOWN)
                            + " does not exist in "
                            + zone.id()
                            + " ("
                            + zone.whose()
                            + "): the clocks go forward from "
                            + change.getDateTimeBefore().toLocalTime()
                            + " to "
                            + change.getDateTimeAfter().toLocalTime()
                            + " that night. Give "
                            + change.getDateTimeAfter().toLocalTime()
                            + " or later, or a time with an offset");
        }
        throw CliException.usage(
                option
                        + ": "
                        + t.format(SHOWN)
                        + " happens twice in "
                        + zone.id()
                        + " ("
                        + zone.whose()
                        + "): the clocks go back from "
                        + change.getDateTimeBefore().toLocalTime()
                        + " to "
                        + change.getDateTimeAfter().toLocalTime()
                        + " that night. Say which with its offset: "
                        + WITH_OFFSET.format(t.atOffset(offsets.get(0)))
                        + " (the first) or "
                        + WITH_OFFSET.format(t.atOffset(offsets.get(1)))
                        + " (the second)");
    }

    private static void said(String option, String text, Instant at, Zone zone, PrintWriter err) {
        err.println(
                "latchkey: "
                        + option
                        + " "
                        + text
                        + " read in "
                        + zone.id()
                        + " ("
                        + zone.whose()
                        + "): "
                        + Rfc3339.format(at));
    }
}
