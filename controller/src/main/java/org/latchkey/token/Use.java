package org.latchkey.token;

import java.util.Locale;
import java.util.Optional;

/** How often a token may open the door: once, or any number of times inside its window. */
public enum Use {
    ONCE,
    WINDOW;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Use> fromWireName(String text) {
        for (Use u : values()) {
            if (u.wireName().equals(text)) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }
}
