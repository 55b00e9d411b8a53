package org.latchkey.cli;

import org.latchkey.token.Names;

/** Text from the door's records, made safe to print: nothing in it can drive the terminal. */
final class Terminal {
    private Terminal() {}

    /**
     * Shows every control character (C0, DEL, C1: a C1 CSI or an ESC starts a terminal escape),
     * invisible or bidirectional character and unpaired surrogate as {@code \\uXXXX}; everything
     * else stays as it is (see {@link Names#forPeople}).
     */
    static String escape(String text) {
        return Names.forPeople(text);
    }
}
