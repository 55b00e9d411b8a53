package org.latchkey.scanner;

import java.util.Optional;

/**
 * Linux key codes to characters on a US keyboard. Key codes are positions, whatever the host's
 * layout: a scanner set to another "keyboard country" sends other positions for the same text,
 * which decode to another text here (and the token check refuses it).
 */
final class UsKeymap {
    static final int KEY_TAB = 15;
    static final int KEY_ENTER = 28;
    static final int KEY_LEFTCTRL = 29;
    static final int KEY_LEFTSHIFT = 42;
    static final int KEY_RIGHTSHIFT = 54;
    static final int KEY_LEFTALT = 56;
    static final int KEY_CAPSLOCK = 58;
    static final int KEY_NUMLOCK = 69;
    static final int KEY_SCROLLLOCK = 70;
    static final int KEY_KPENTER = 96;
    static final int KEY_RIGHTCTRL = 97;
    static final int KEY_RIGHTALT = 100;
    static final int KEY_LEFTMETA = 125;
    static final int KEY_RIGHTMETA = 126;

    private static final int SIZE = 128;
    private static final char[] PLAIN = new char[SIZE];
    private static final char[] SHIFTED = new char[SIZE];

    static {
        row(2, "1234567890-=", "!@#$%^&*()_+");
        row(16, "qwertyuiop[]", "QWERTYUIOP{}");
        row(30, "asdfghjkl;'`", "ASDFGHJKL:\"~");
        row(43, "\\zxcvbnm,./", "|ZXCVBNM<>?");
        row(57, " ", " ");
        row(55, "*", "*");
        // The keypad, as a scanner emulating it sends digits (Num Lock on).
        row(71, "789-456+1230.", "789-456+1230.");
        row(98, "/", "/");
    }

    private static void row(int first, String plain, String shifted) {
        for (int i = 0; i < plain.length(); i++) {
            PLAIN[first + i] = plain.charAt(i);
            SHIFTED[first + i] = shifted.charAt(i);
        }
    }

    private UsKeymap() {}

    /**
     * The character a key types, if it types one.
     *
     * @param shift a Shift key is down
     * @param capsLock Caps Lock is on: it shifts letters only, and Shift undoes it
     */
    static Optional<Character> character(int code, boolean shift, boolean capsLock) {
        if (code < 0 || code >= SIZE || PLAIN[code] == 0) {
            return Optional.empty();
        }
        char plain = PLAIN[code];
        boolean letter = plain >= 'a' && plain <= 'z';
        boolean shifted = letter ? shift ^ capsLock : shift;
        return Optional.of(shifted ? SHIFTED[code] : plain);
    }

    static boolean endsCode(int code) {
        return code == KEY_ENTER || code == KEY_KPENTER || code == KEY_TAB;
    }

    static boolean isShift(int code) {
        return code == KEY_LEFTSHIFT || code == KEY_RIGHTSHIFT;
    }

    /** Ctrl, Alt and Meta: a character typed with one of these held is not text. */
    static boolean isCommandModifier(int code) {
        return code == KEY_LEFTCTRL
                || code == KEY_RIGHTCTRL
                || code == KEY_LEFTALT
                || code == KEY_RIGHTALT
                || code == KEY_LEFTMETA
                || code == KEY_RIGHTMETA;
    }

    /** Keys some scanners press around a code that type nothing. */
    static boolean isHarmless(int code) {
        return code == KEY_NUMLOCK || code == KEY_SCROLLLOCK;
    }
}
