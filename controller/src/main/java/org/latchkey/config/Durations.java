package org.latchkey.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in the config and on the command line: {@code 90s}, {@code 4h},
 * {@code 1h30m}, {@code 7d}.
 */
public final class Durations {
    /**
     * Units from the largest down, each at most once: {@code 1h30m}, not {@code 30m1h} or {@code
     * 1h1h}.
     */
    private static final Pattern WHOLE =
            Pattern.compile(
                    "(?:(\\d{1,6})d)?(?:(\\d{1,6})h)?(?:(\\d{1,6})m(?!s))?(?:(\\d{1,6})s)?(?:(\\d{1,6})ms)?");

    private Durations() {}

    /**
     * @throws IllegalArgumentException unless the text is like {@code 30s}, {@code 4h} or {@code
     *     1h30m}
     */
    public static Duration parse(String text) {
        Matcher m = WHOLE.matcher(text);
        if (text.isEmpty() || text.length() > 32 || !m.matches()) {
            throw new IllegalArgumentException(
                    "'"
                            + text
                            + "' is not a duration like 90s, 30m, 4h, 1h30m or 7d"
                            + " (units from days down to ms, each at most once)");
        }
        return Duration.ofDays(part(m, 1))
                .plusHours(part(m, 2))
                .plusMinutes(part(m, 3))
                .plusSeconds(part(m, 4))
                .plusMillis(part(m, 5));
    }

    private static long part(Matcher m, int group) {
        return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    }

    /** The shortest readable form, e.g. {@code 4h}, {@code 1h30m}, {@code 90s} → {@code 1m30s}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long days = d.toDays();
        if (days > 0) {
            sb.append(days).append('d');
        }
        if (d.toHoursPart() > 0) {
            sb.append(d.toHoursPart()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            sb.append(d.toSecondsPart()).append('s');
        }
        if (d.toMillisPart() > 0) {
            sb.append(d.toMillisPart()).append("ms");
        }
        return sb.toString();
    }
}
