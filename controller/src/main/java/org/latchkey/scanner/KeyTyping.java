package org.latchkey.scanner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Types text as a keyboard-mode scanner does: key down and up per character, Shift around shifted
 * ones, a report after each event. The layout maps a character to a key position and Shift, so a
 * scanner set to another keyboard country can be typed too. For the bench's recorded scans, the
 * hardware-truth machine's virtual keyboard, and tests.
 */
public final class KeyTyping {
    /** A key position and whether Shift is held for it. */
    public record Key(int code, boolean shift) {}

    static final int SHIFT = UsKeymap.KEY_LEFTSHIFT;
    public static final int ENTER = UsKeymap.KEY_ENTER;

    /** The US layout: printable ASCII but space. */
    public static final Map<Character, Key> US = us();

    /**
     * A German keyboard's positions for a token's characters, as a scanner set to "Germany" sends
     * them: Y and Z swapped, '-' on the US '/' key, '_' on Shift of it.
     */
    public static Map<Character, Key> german() {
        Map<Character, Key> de = new java.util.HashMap<>(US);
        de.put('y', new Key(44, false));
        de.put('z', new Key(21, false));
        de.put('Y', new Key(44, true));
        de.put('Z', new Key(21, true));
        de.put('-', new Key(53, false));
        de.put('_', new Key(53, true));
        return de;
    }

    private static Map<Character, Key> us() {
        Map<Character, Key> m = new java.util.HashMap<>();
        String[][] rows = {
            {"2", "1234567890-=", "!@#$%^&*()_+"},
            {"16", "qwertyuiop[]", "QWERTYUIOP{}"},
            {"30", "asdfghjkl;'`", "ASDFGHJKL:\"~"},
            {"43", "\\zxcvbnm,./", "|ZXCVBNM<>?"},
        };
        for (String[] row : rows) {
            int first = Integer.parseInt(row[0]);
            for (int i = 0; i < row[1].length(); i++) {
                m.put(row[1].charAt(i), new Key(first + i, false));
                m.put(row[2].charAt(i), new Key(first + i, true));
            }
        }
        return Map.copyOf(m);
    }

    /**
     * The events of {@code text} typed on {@code layout}.
     *
     * @param capsLock the scanner has Caps Lock on: it inverts Shift for letters, as scanners that
     *     follow the host's Caps Lock do
     */
    public static List<InputEvent> type(String text, Map<Character, Key> layout, boolean capsLock) {
        List<InputEvent> events = new ArrayList<>();
        for (char c : text.toCharArray()) {
            Key k = layout.get(c);
            if (k == null) {
                throw new IllegalArgumentException("no key for " + c);
            }
            boolean shift = Character.isLetter(c) && capsLock ? !k.shift() : k.shift();
            if (shift) {
                press(events, SHIFT, 1);
            }
            press(events, k.code(), 1);
            press(events, k.code(), 0);
            if (shift) {
                press(events, SHIFT, 0);
            }
        }
        return events;
    }

    public static void press(List<InputEvent> events, int code, int value) {
        events.add(InputEvent.key(code, value));
        events.add(InputEvent.syn(InputEvent.SYN_REPORT));
    }

    /** A tap: down, report, up, report. */
    public static List<InputEvent> tap(int code) {
        List<InputEvent> e = new ArrayList<>();
        press(e, code, 1);
        press(e, code, 0);
        return e;
    }

    /** A scan as bytes on the device: the text, then Enter. */
    public static byte[] scan(String text, Map<Character, Key> layout, InputEvent.Layout records) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        List<InputEvent> events = new ArrayList<>(type(text, layout, false));
        events.addAll(tap(ENTER));
        for (InputEvent e : events) {
            b.writeBytes(records.write(e));
        }
        return b.toByteArray();
    }

    private KeyTyping() {}
}
