package org.latchkey.token;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

/** RFC 3339 date-times, the only time format tokens carry. */
public final class Rfc3339 {
    private static final Pattern SHAPE =
            Pattern.compile(
                    "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

    private Rfc3339() {}

    /**
     * @throws IllegalArgumentException unless the text is an RFC 3339 date-time
     */
    public static Instant parse(String text) {
        if (text.length() > 40 || !SHAPE.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "'" + abbreviate(text) + "' is not an RFC 3339 date-time");
        }
        try {
            return OffsetDateTime.parse(
                            text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid date-time");
        }
    }

    /** Whole seconds in UTC, e.g. {@code 2026-11-25T10:00:00Z}. */
    public static String format(Instant instant) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                instant.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
    }

    static String abbreviate(String text) {
        String t = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        StringBuilder sb = new StringBuilder();
        t.codePoints().forEach(c -> sb.append(c < 0x20 || c == 0x7F ? '?' : (char) c));
        return sb.toString();
    }
}
