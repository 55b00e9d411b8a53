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

    /**
     * Why a key with this policy may not be given its rights by a key with {@code signer}'s: no
     * more than the signer has (a longer window, more hours, window passes from a once-only key).
     * Empty when it may.
     */
    public Optional<TokenRejectedException> beyond(IssuerPolicy signer) {
        if (!signer.isOwner() && !signer.roles().containsAll(roles)) {
            return Optional.of(
                    new TokenRejectedException(
                            RejectionReason.ROLE_NOT_ALLOWED,
                            "it would grant roles its signer may not grant"));
        }
        if (maxWindow.compareTo(signer.maxWindow()) > 0) {
            return Optional.of(
                    new TokenRejectedException(
                            RejectionReason.WINDOW_TOO_LONG,
                            "its longest window ("
                                    + org.latchkey.config.Durations.format(maxWindow)
                                    + ") is longer than its signer's ("
                                    + org.latchkey.config.Durations.format(signer.maxWindow())
                                    + ")"));
        }
        if (signer.onceOnly() && !onceOnly) {
            return Optional.of(
                    new TokenRejectedException(
                            RejectionReason.USE_NOT_ALLOWED,
                            "its signer may issue only once passes, so it must be once-only"));
        }
        if (signer.hours().isPresent()
                && (hours.isEmpty() || !hours.get().within(signer.hours().get()))) {
            return Optional.of(
                    new TokenRejectedException(
                            RejectionReason.OUTSIDE_HOURS,
                            "its hours must lie within its signer's ("
                                    + signer.hours().get()
                                    + ")"));
        }
        return Optional.empty();
    }

    public boolean isOwner() {
        return roles.contains(Role.OWNER);
    }

    public boolean maySign(Role role) {
        return isOwner() || roles.contains(role);
    }
}
