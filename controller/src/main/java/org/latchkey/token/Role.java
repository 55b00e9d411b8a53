package org.latchkey.token;

import java.util.Locale;
import java.util.Optional;

/** Who a token is for. An owner key may sign every role, and revocation lists. */
public enum Role {
    OWNER,
    DELIVERY,
    SERVICE,
    GUEST;

    /** The claim value: {@code "owner"}, {@code "delivery"}, … */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWireName(String text) {
        for (Role r : values()) {
            if (r.wireName().equals(text)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
