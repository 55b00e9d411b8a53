package org.latchkey.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in the config and on the command line: {@code 90s}, {@code 4h}, {@code 1h30m}, {@code 7d}. */
public final class Durations {
    private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,6}(?:ms|[dhms]))+");
    private static final Pattern PART = Pattern.compile("(\\d{1,6})(ms|[dhms])");

    private Durations() {}

    /** @throws IllegalArgumentException unless the text is like {@code 30s}, {@code 4h} or {@code 1h30m} */
    public static Duration parse(String text) {
        if (text.length() > 32 || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 90s, 30m, 4h, 1h30m or 7d");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                case "ms" -> Duration.ofMillis(n);
                default -> throw new IllegalStateException(m.group(2));
            });
        }
        return total;
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
