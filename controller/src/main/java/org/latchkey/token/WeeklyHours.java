package org.latchkey.token;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The weekly hours a key's tokens may be used in, in the door's local time, e.g. {@code "Mon-Sat
 * 08:00-20:00"} or {@code "Mon-Fri 08:00-18:00; Sat 09:00-13:00"}. A time range ends before its end
 * minute ({@code 24:00} is allowed as an end); overnight ranges are written as two rules.
 */
public final class WeeklyHours {
    private static final Pattern RULE =
            Pattern.compile(
                    "([A-Za-z]{3}(?:-[A-Za-z]{3})?(?:,[A-Za-z]{3}(?:-[A-Za-z]{3})?)*)\\s+(\\d{2}):(\\d{2})-(\\d{2}):(\\d{2})");
    private static final List<String> DAY_NAMES =
            List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    private record Rule(Set<DayOfWeek> days, int startMinute, int endMinute) {
        boolean contains(LocalDateTime t) {
            int second = t.toLocalTime().toSecondOfDay();
            return days.contains(t.getDayOfWeek())
                    && second >= startMinute * 60
                    && second < endMinute * 60;
        }

        /**
         * Days as runs, e.g. {@code Mon-Fri}, {@code Fri-Mon} over the weekend, {@code Mon,Wed}:
         * what parse reads back to the same days, and no longer than a person would write it (a
         * token carries this text, and the door re-reads it under the same length limit).
         */
        @Override
        public String toString() {
            List<String> runs = new ArrayList<>();
            boolean wraps = days.contains(DayOfWeek.MONDAY) && days.contains(DayOfWeek.SUNDAY);
            int start = 0;
            if (wraps && days.size() < 7) {
                while (days.contains(DayOfWeek.of(start + 1))) {
                    start++; // the first day missing: runs are read from the day after it
                }
                start++;
            }
            for (int k = 0; k < 7; ) {
                int d = (start + k) % 7;
                if (!days.contains(DayOfWeek.of(d + 1))) {
                    k++;
                    continue;
                }
                int end = k;
                while (end + 1 < 7 && days.contains(DayOfWeek.of((start + end + 1) % 7 + 1))) {
                    end++;
                }
                String first = name(d);
                runs.add(end == k ? first : first + "-" + name((start + end) % 7));
                k = end + 1;
            }
            String d = String.join(",", runs);
            return String.format(
                    "%s %02d:%02d-%02d:%02d",
                    d, startMinute / 60, startMinute % 60, endMinute / 60, endMinute % 60);
        }
    }

    private static String name(int day) {
        String n = DAY_NAMES.get(day);
        return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    private final List<Rule> rules;

    private WeeklyHours(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * @throws IllegalArgumentException with what is wrong and the expected form
     */
    public static WeeklyHours parse(String text) {
        if (text.length() > 200) {
            throw new IllegalArgumentException("hours text is longer than 200 characters");
        }
        List<Rule> rules = new ArrayList<>();
        for (String part : text.split(";")) {
            String rule = part.strip();
            Matcher m = RULE.matcher(rule);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "'" + rule + "' is not of the form 'Mon-Sat 08:00-20:00'");
            }
            int start = minute(m.group(2), m.group(3), rule);
            int end = minute(m.group(4), m.group(5), rule);
            if (end <= start) {
                throw new IllegalArgumentException(
                        "'"
                                + rule
                                + "': the end must be after the start (write an overnight range as"
                                + " two rules, e.g. 'Fri 22:00-24:00; Sat 00:00-06:00')");
            }
            rules.add(new Rule(days(m.group(1), rule), start, end));
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("no hours given (e.g. 'Mon-Sat 08:00-20:00')");
        }
        return new WeeklyHours(rules);
    }

    public boolean contains(LocalDateTime localTime) {
        return rules.stream().anyMatch(r -> r.contains(localTime));
    }

    /** Whether every minute of the week these hours hold, {@code outer} holds too. */
    public boolean within(WeeklyHours outer) {
        LocalDateTime monday = LocalDateTime.of(2024, 1, 1, 0, 0); // a Monday
        for (int minute = 0; minute < 7 * 24 * 60; minute++) {
            LocalDateTime t = monday.plusMinutes(minute);
            if (contains(t) && !outer.contains(t)) {
                return false;
            }
        }
        return true;
    }

    private static Set<DayOfWeek> days(String spec, String rule) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String range : spec.split(",")) {
            String[] ends = range.split("-");
            int from = day(ends[0], rule);
            int to = ends.length == 2 ? day(ends[1], rule) : from;
            for (int d = from; ; d = (d + 1) % 7) { // Fri-Mon wraps over the weekend
                days.add(DayOfWeek.of(d + 1));
                if (d == to) {
                    break;
                }
            }
        }
        return days;
    }

    private static int day(String name, String rule) {
        int i = DAY_NAMES.indexOf(name.toLowerCase(Locale.ROOT));
        if (i < 0) {
            throw new IllegalArgumentException(
                    "'" + rule + "': unknown day '" + name + "' (Mon Tue Wed Thu Fri Sat Sun)");
        }
        return i;
    }

    private static int minute(String hh, String mm, String rule) {
        int h = Integer.parseInt(hh);
        int m = Integer.parseInt(mm);
        if (h > 24 || m > 59 || (h == 24 && m != 0)) {
            throw new IllegalArgumentException(
                    "'" + rule + "': " + hh + ":" + mm + " is not a time of day");
        }
        return h * 60 + m;
    }

    @Override
    public String toString() {
        return rules.stream().map(Rule::toString).collect(Collectors.joining("; "));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeeklyHours other && rules.equals(other.rules);
    }

    @Override
    public int hashCode() {
        return rules.hashCode();
    }
}
