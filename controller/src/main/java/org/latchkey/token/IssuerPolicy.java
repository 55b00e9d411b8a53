package org.latchkey.token;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a trusted key may grant.
 *
 * @param roles the roles it may sign; a key with {@link Role#OWNER} may sign every role and
 *     revocation lists
 * @param maxWindow the longest {@code exp - nbf} it may grant
 * @param hours when its tokens may be used, if limited
 * @param onceOnly whether it may issue only {@code once} tokens
 */
public record IssuerPolicy(
        Set<Role> roles, Duration maxWindow, Optional<WeeklyHours> hours, boolean onceOnly) {
    public IssuerPolicy {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a trusted key needs at least one role");
        }
        roles = Collections.unmodifiableSet(EnumSet.copyOf(roles));
        Objects.requireNonNull(hours);
        if (maxWindow.isNegative() || maxWindow.isZero()) {
            throw new IllegalArgumentException("the longest window must be positive");
        }
    }

    /** For people: {@code may sign every role (owner) · longest window 62d · Tue 10:00-13:00}. */
    public String describe() {
        StringBuilder sb =
                new StringBuilder(
                        isOwner()
                                ? "may sign every role (owner)"
                                : "may sign "
                                        + String.join(
                                                ", ", roles.stream().map(Role::wireName).toList()));
        sb.append(" · longest window ").append(org.latchkey.config.Durations.format(maxWindow));
        hours.ifPresent(h -> sb.append(" · hours ").append(h));
        if (onceOnly) {
            sb.append(" · once passes only");
        }
        return sb.toString();
    }

    public boolean isOwner() {
        return roles.contains(Role.OWNER);
    }

    public boolean maySign(Role role) {
        return isOwner() || roles.contains(role);
    }
}
