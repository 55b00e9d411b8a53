package org.latchkey.cli;

import org.latchkey.config.Durations;
import org.latchkey.token.Enrolment;
import org.latchkey.token.IssuerPolicy;
import org.latchkey.token.Role;
import org.latchkey.token.WeeklyHours;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An issuer's policy as the command line gives it ({@code --roles}, {@code --max-window}, {@code
 * --hours}, {@code --once-only}), for `issuer add` and `issuer enrol`: each mistake is a usage
 * error naming its option.
 */
final class IssuerPolicies {
    private IssuerPolicies() {}

    static IssuerPolicy parse(List<String> roles, String maxWindow, String hours, boolean onceOnly)
            throws CliException {
        Set<Role> roleSet = EnumSet.noneOf(Role.class);
        for (String r : roles) {
            roleSet.add(
                    Role.fromWireName(r.strip())
                            .orElseThrow(
                                    () ->
                                            CliException.usage(
                                                    "--roles: '"
                                                            + r
                                                            + "' is not one of owner, delivery,"
                                                            + " service, guest")));
        }
        Duration window;
        try {
            window = Durations.parse(maxWindow);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--max-window: " + e.getMessage());
        }
        if (window.isZero() || window.compareTo(Enrolment.LONGEST_WINDOW) > 0) {
            throw CliException.usage("--max-window: more than 0 and at most 366d");
        }
        Optional<WeeklyHours> weekly;
        try {
            weekly = Optional.ofNullable(hours).map(WeeklyHours::parse);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--hours: " + e.getMessage());
        }
        if (roleSet.isEmpty()) {
            throw CliException.usage("--roles: at least one of owner, delivery, service, guest");
        }
        return new IssuerPolicy(roleSet, window, weekly, onceOnly);
    }
}
