package org.latchkey.token;

import java.util.Optional;

/** Who a token is for. An owner key may sign every role, and revocation lists. */
public enum Role implements WireNamed {
    OWNER,
    DELIVERY,
    SERVICE,
    GUEST;

    public static Optional<Role> fromWireName(String text) {
        return WireNamed.fromWireName(Role.class, text);
    }
}
