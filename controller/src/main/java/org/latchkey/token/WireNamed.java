package org.latchkey.token;

import java.util.Locale;
import java.util.Optional;

/**
 * An enum whose constants travel in tokens and files in lower case: {@code "owner"}, {@code
 * "once"}.
 */
public interface WireNamed {
    String name();

    /** The claim value: the constant's name in lower case. */
    default String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} whose wire name is {@code text}, exactly. */
    static <E extends Enum<E> & WireNamed> Optional<E> fromWireName(Class<E> type, String text) {
        for (E e : type.getEnumConstants()) {
            if (e.wireName().equals(text)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
