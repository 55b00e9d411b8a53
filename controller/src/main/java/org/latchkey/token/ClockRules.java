package org.latchkey.token;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * How much the door trusts its clock.
 *
 * @param skew tolerance on nbf and exp, at most 300 s
 * @param rolesNeedingTrustedClock roles refused with CLOCK_UNTRUSTED while the clock is not trusted
 */
public record ClockRules(Duration skew, Set<Role> rolesNeedingTrustedClock) {
    public static final Duration DEFAULT_SKEW = Duration.ofSeconds(60);
    public static final Duration MAX_SKEW = Duration.ofSeconds(300);
    public static final ClockRules DEFAULT =
            new ClockRules(DEFAULT_SKEW, EnumSet.of(Role.DELIVERY, Role.SERVICE, Role.GUEST));

    public ClockRules {
        if (skew.isNegative() || skew.compareTo(MAX_SKEW) > 0) {
            throw new IllegalArgumentException("clock skew must be between 0 s and 300 s");
        }
        rolesNeedingTrustedClock =
                rolesNeedingTrustedClock.isEmpty()
                        ? Set.of()
                        : Collections.unmodifiableSet(EnumSet.copyOf(rolesNeedingTrustedClock));
    }
}
