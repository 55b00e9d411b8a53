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
 * @param maxOffline how far ahead of the time floor a clock may read after a reboot (a door that
 *     was off that long) and still be trusted; beyond, an owner's clock reset is needed
 */
public record ClockRules(Duration skew, Set<Role> rolesNeedingTrustedClock, Duration maxOffline) {
    public static final Duration DEFAULT_SKEW = Duration.ofSeconds(60);
    public static final Duration MAX_SKEW = Duration.ofSeconds(300);

    /** Two months: a holiday with the power off; a longer gap needs the owner's clock reset. */
    public static final Duration DEFAULT_MAX_OFFLINE = Duration.ofDays(60);

    public static final ClockRules DEFAULT =
            new ClockRules(DEFAULT_SKEW, EnumSet.of(Role.DELIVERY, Role.SERVICE, Role.GUEST));

    public ClockRules(Duration skew, Set<Role> rolesNeedingTrustedClock) {
        this(skew, rolesNeedingTrustedClock, DEFAULT_MAX_OFFLINE);
    }

    public ClockRules {
        if (skew.isNegative() || skew.compareTo(MAX_SKEW) > 0) {
            throw new IllegalArgumentException("clock skew must be between 0 s and 300 s");
        }
        if (maxOffline.isNegative() || maxOffline.compareTo(Duration.ofDays(3660)) > 0) {
            throw new IllegalArgumentException("max_offline must be between 0 s and 3660 days");
        }
        rolesNeedingTrustedClock =
                rolesNeedingTrustedClock.isEmpty()
                        ? Set.of()
                        : Collections.unmodifiableSet(EnumSet.copyOf(rolesNeedingTrustedClock));
    }
}
