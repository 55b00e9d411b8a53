package org.latchkey.token;

import java.util.Optional;

/** How often a token may open the door: once, or any number of times inside its window. */
public enum Use implements WireNamed {
    ONCE,
    WINDOW;

    public static Optional<Use> fromWireName(String text) {
        return WireNamed.fromWireName(Use.class, text);
    }
}
