package org.latchkey.scanner;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a keyboard-mode scanner's key events into codes: a US keymap with Shift and Caps Lock
 * tracked here (the console's own state never reaches a grabbed device). A code ends at Enter, at
 * Tab, or when the reader says the idle gap passed ({@link #idle()}); a code that is too long,
 * holds a key that types nothing a token could hold, or lost events to a {@code SYN_DROPPED} is
 * dropped whole. Not thread-safe: one reader feeds it.
 */
public final class KeyboardDecoder {
    private final int maxLength;
    private final StringBuilder code = new StringBuilder();
    private final Set<Integer> commandModifiers = new HashSet<>();
    private boolean leftShift;
    private boolean rightShift;
    private boolean capsLock;
    private boolean overlong;
    private boolean undecodable;
    private boolean lostEvents;

    /** After SYN_DROPPED: everything up to the next SYN_REPORT is unreliable. */
    private boolean skippingToReport;

    public KeyboardDecoder(int maxLength) {
        this.maxLength = maxLength;
    }

    /** Feeds one event; returns the code it ended, if it ended one. */
    public Optional<Scan> accept(InputEvent e) {
        if (e.type() == InputEvent.EV_SYN) {
            if (e.code() == InputEvent.SYN_DROPPED) {
                // Whatever was lost may have been part of a code, this one or the next.
                lostEvents = true;
                leftShift = rightShift = capsLock = false;
                commandModifiers.clear();
                skippingToReport = true;
            } else if (e.code() == InputEvent.SYN_REPORT) {
                skippingToReport = false;
            }
            return Optional.empty();
        }
        if (skippingToReport || e.type() != InputEvent.EV_KEY) {
            return Optional.empty();
        }
        int key = e.code();
        boolean down = e.value() == 1;
        if (UsKeymap.isShift(key)) {
            if (e.value() != 2) {
                if (key == UsKeymap.KEY_LEFTSHIFT) {
                    leftShift = down;
                } else {
                    rightShift = down;
                }
            }
            return Optional.empty();
        }
        if (UsKeymap.isCommandModifier(key)) {
            if (down) {
                commandModifiers.add(key);
            } else if (e.value() == 0) {
                commandModifiers.remove(key);
            }
            return Optional.empty();
        }
        if (!down) {
            // Releases carry nothing, and a scanner never holds a key long enough to repeat.
            return Optional.empty();
        }
        if (key == UsKeymap.KEY_CAPSLOCK) {
            capsLock = !capsLock;
            return Optional.empty();
        }
        if (UsKeymap.isHarmless(key)) {
            return Optional.empty();
        }
        if (UsKeymap.endsCode(key) && commandModifiers.isEmpty()) {
            return end();
        }
        Optional<Character> c = UsKeymap.character(key, leftShift || rightShift, capsLock);
        if (c.isEmpty() || !commandModifiers.isEmpty() || !tokenCharacter(c.get())) {
            undecodable = true;
        } else if (code.length() < maxLength) {
            code.append(c.get());
        } else {
            overlong = true;
        }
        return Optional.empty();
    }

    /** The codes in a recording of a device's bytes, as the reader would find them. */
    public static java.util.List<Scan> decode(
            byte[] recording, InputEvent.Layout layout, int maxLength) {
        KeyboardDecoder d = new KeyboardDecoder(maxLength);
        java.util.List<Scan> scans = new java.util.ArrayList<>();
        for (int at = 0; at + layout.size() <= recording.length; at += layout.size()) {
            d.accept(layout.read(recording, at)).ifPresent(scans::add);
        }
        d.idle().ifPresent(scans::add);
        return scans;
    }

    /** The idle gap passed since the last key: ends the code being read, if any. */
    public Optional<Scan> idle() {
        return end();
    }

    /** Part of a code has been read (the reader waits for the idle gap only then). */
    public boolean reading() {
        return !code.isEmpty() || overlong || undecodable || lostEvents;
    }

    private Optional<Scan> end() {
        Optional<Scan> result;
        if (lostEvents) {
            result = Optional.of(new Scan.Dropped(Scan.Why.EVENTS_LOST));
        } else if (overlong) {
            result = Optional.of(new Scan.Dropped(Scan.Why.OVERLONG));
        } else if (undecodable) {
            result = Optional.of(new Scan.Dropped(Scan.Why.UNDECODABLE));
        } else if (code.isEmpty()) {
            result = Optional.empty();
        } else {
            result = Optional.of(new Scan.Code(code.toString()));
        }
        code.setLength(0);
        overlong = undecodable = lostEvents = false;
        return result;
    }

    /**
     * What a token can hold (docs/token-profile.md: base64url and dots), plus what a pasted or
     * scanned card might: printable ASCII. Anything else (space included) marks the code garbage.
     */
    private static boolean tokenCharacter(char c) {
        return c > ' ' && c < 0x7f;
    }
}
