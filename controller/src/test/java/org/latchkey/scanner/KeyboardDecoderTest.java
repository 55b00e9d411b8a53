package org.latchkey.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

class KeyboardDecoderTest {
    static final String TOKEN_CHARACTERS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_";

    /** Made for each try: jqwik runs a property's tries on one instance. */
    KeyboardDecoder decoder;

    @net.jqwik.api.lifecycle.BeforeTry
    @org.junit.jupiter.api.BeforeEach
    void newDecoder() {
        decoder = new KeyboardDecoder(2048);
    }

    @Provide
    Arbitrary<String> tokens() {
        return Arbitraries.strings().withChars(TOKEN_CHARACTERS).ofMinLength(1).ofMaxLength(300);
    }

    /** How a scanner ends a code: Enter, keypad Enter, Tab, or nothing (the idle gap). */
    enum End {
        ENTER,
        KEYPAD_ENTER,
        TAB,
        IDLE
    }

    @Property
    void everyTokenCharacterComesOutRight_withShift_capsLock_andAnyEnd(
            @ForAll("tokens") String token, @ForAll boolean capsLock, @ForAll End end) {
        List<InputEvent> events = new ArrayList<>();
        if (capsLock) {
            events.addAll(KeyTyping.tap(UsKeymap.KEY_CAPSLOCK));
        }
        events.addAll(KeyTyping.type(token, KeyTyping.US, capsLock));
        switch (end) {
            case ENTER -> events.addAll(KeyTyping.tap(UsKeymap.KEY_ENTER));
            case KEYPAD_ENTER -> events.addAll(KeyTyping.tap(UsKeymap.KEY_KPENTER));
            case TAB -> events.addAll(KeyTyping.tap(UsKeymap.KEY_TAB));
            case IDLE -> {}
        }
        List<Scan> scans = feed(events);
        if (end == End.IDLE) {
            assertEquals(List.of(), scans, "no end yet: the reader waits for the gap");
            assertEquals(Optional.of(new Scan.Code(token)), decoder.idle());
        } else {
            assertEquals(List.of(new Scan.Code(token)), scans);
        }
        assertEquals(Optional.empty(), decoder.idle(), "nothing left over");
    }

    @Property
    void bothRecordSizes_carryTheSameEvents(
            @ForAll @IntRange(min = 0, max = 0x1f) int type,
            @ForAll @IntRange(min = 0, max = 0x2ff) int code,
            @ForAll int value) {
        InputEvent e = new InputEvent(type, code, value);
        for (InputEvent.Layout layout : InputEvent.Layout.values()) {
            byte[] bytes = layout.write(e);
            assertEquals(layout.size(), bytes.length);
            // A timestamp in front: whatever it says, the event reads the same.
            for (int i = 0; i < layout.size() - 8; i++) {
                bytes[i] = (byte) (0x5a + i);
            }
            assertEquals(e, layout.read(bytes, 0), layout.name());
        }
    }

    @Test
    void recordSizes_areTheKernels() {
        assertEquals(24, InputEvent.Layout.BITS_64.size(), "timeval of two 8-byte longs");
        assertEquals(16, InputEvent.Layout.BITS_32.size(), "timeval of two 4-byte longs");
        // An EV_KEY 'A' (30) down as an arm64 kernel writes it, timestamp 1765000000.123456.
        byte[] recorded = {
            0x40,
            (byte) 0x9f,
            0x34,
            0x69,
            0,
            0,
            0,
            0,
            0x40,
            (byte) 0xe2,
            0x01,
            0,
            0,
            0,
            0,
            0,
            1,
            0,
            30,
            0,
            1,
            0,
            0,
            0
        };
        assertEquals(InputEvent.key(30, 1), InputEvent.Layout.BITS_64.read(recorded, 0));
        byte[] recorded32 = {
            0x40, (byte) 0x9f, 0x34, 0x69, 0x40, (byte) 0xe2, 0x01, 0, 1, 0, 30, 0, 1, 0, 0, 0
        };
        assertEquals(InputEvent.key(30, 1), InputEvent.Layout.BITS_32.read(recorded32, 0));
    }

    @Test
    void aScannerOnAGermanLayout_typesAnotherText_withMinusAndUnderscore() {
        String token = "v4.public.eyJ-x_yz";
        List<Scan> scans = feed(KeyTyping.type(token, KeyTyping.german(), false));
        scans.addAll(feed(KeyTyping.tap(UsKeymap.KEY_ENTER)));
        assertEquals(1, scans.size());
        Scan.Code code = (Scan.Code) scans.getFirst();
        assertNotEquals(token, code.text(), "the token check refuses what decodes wrong");
        assertEquals("v4.public.ezJ/x?zy", code.text(), "Y/Z swapped, - and _ on the US / key");
    }

    @Test
    void synDropped_dropsTheCodeBeingRead_andResetsShift() {
        List<InputEvent> events = new ArrayList<>(KeyTyping.type("abc", KeyTyping.US, false));
        events.add(InputEvent.key(UsKeymap.KEY_LEFTSHIFT, 1));
        events.add(InputEvent.syn(InputEvent.SYN_DROPPED));
        events.add(InputEvent.key(31, 1)); // lost with the drop, up to the report
        events.add(InputEvent.syn(InputEvent.SYN_REPORT));
        events.addAll(KeyTyping.type("de", KeyTyping.US, false));
        events.addAll(KeyTyping.tap(UsKeymap.KEY_ENTER));
        events.addAll(KeyTyping.type("next", KeyTyping.US, false));
        events.addAll(KeyTyping.tap(UsKeymap.KEY_ENTER));
        assertEquals(
                List.of(new Scan.Dropped(Scan.Why.EVENTS_LOST), new Scan.Code("next")),
                feed(events),
                "the code under way is dropped whole; Shift (its release lost) is up again");
    }

    @Test
    void synDropped_betweenCodes_dropsWhateverFollowsUntilItsEnd() {
        List<InputEvent> events = new ArrayList<>();
        events.add(InputEvent.syn(InputEvent.SYN_DROPPED));
        events.add(InputEvent.syn(InputEvent.SYN_REPORT));
        events.addAll(KeyTyping.type("tail-of-a-token", KeyTyping.US, false));
        events.addAll(KeyTyping.tap(UsKeymap.KEY_ENTER));
        assertEquals(
                List.of(new Scan.Dropped(Scan.Why.EVENTS_LOST)),
                feed(events),
                "the lost events may have been this code's start");
    }

    @Test
    void overlongCode_isDroppedWhole_andTheNextOneWorks() {
        KeyboardDecoder small = new KeyboardDecoder(10);
        List<Scan> scans = new ArrayList<>();
        List<InputEvent> events =
                new ArrayList<>(KeyTyping.type("a".repeat(11), KeyTyping.US, false));
        events.addAll(KeyTyping.tap(UsKeymap.KEY_ENTER));
        events.addAll(KeyTyping.type("b".repeat(10), KeyTyping.US, false));
        events.addAll(KeyTyping.tap(UsKeymap.KEY_TAB));
        for (InputEvent e : events) {
            small.accept(e).ifPresent(scans::add);
        }
        assertEquals(
                List.of(new Scan.Dropped(Scan.Why.OVERLONG), new Scan.Code("b".repeat(10))), scans);
    }

    @Property
    void garbageKeys_makeTheCodeUndecodable_neverAText(
            @ForAll("tokens") String token,
            @ForAll("garbage") int key,
            @ForAll @IntRange(min = 0, max = 300) int at) {
        int split = Math.min(at, token.length());
        List<InputEvent> events =
                new ArrayList<>(KeyTyping.type(token.substring(0, split), KeyTyping.US, false));
        events.addAll(KeyTyping.tap(key));
        events.addAll(KeyTyping.type(token.substring(split), KeyTyping.US, false));
        events.addAll(KeyTyping.tap(UsKeymap.KEY_ENTER));
        assertEquals(List.of(new Scan.Dropped(Scan.Why.UNDECODABLE)), feed(events));
    }

    /** Function keys, arrows, Escape, Backspace, space: nothing a token holds. */
    @Provide
    Arbitrary<Integer> garbage() {
        return Arbitraries.of(
                1, 14, 57, 59, 60, 68, 103, 105, 106, 108, 111, 113, 150, 200, 300, 0x2ff);
    }

    @Test
    void aLetterWithCtrlOrAlt_isNotText() {
        for (int modifier :
                List.of(UsKeymap.KEY_LEFTCTRL, UsKeymap.KEY_RIGHTALT, UsKeymap.KEY_LEFTMETA)) {
            List<InputEvent> events = new ArrayList<>();
            KeyTyping.press(events, modifier, 1);
            events.addAll(KeyTyping.tap(30));
            KeyTyping.press(events, modifier, 0);
            events.addAll(KeyTyping.type("bc", KeyTyping.US, false));
            events.addAll(KeyTyping.tap(UsKeymap.KEY_ENTER));
            assertEquals(
                    List.of(new Scan.Dropped(Scan.Why.UNDECODABLE)),
                    feed(events),
                    "modifier " + modifier);
        }
    }

    @Test
    void numLock_autorepeat_andEmptyCodes_typeNothing() {
        List<InputEvent> events = new ArrayList<>(KeyTyping.tap(UsKeymap.KEY_NUMLOCK));
        events.addAll(KeyTyping.tap(UsKeymap.KEY_ENTER));
        events.addAll(KeyTyping.tap(UsKeymap.KEY_TAB));
        events.add(InputEvent.key(30, 1));
        events.add(InputEvent.key(30, 2));
        events.add(InputEvent.key(30, 2));
        events.add(InputEvent.key(30, 0));
        events.add(new InputEvent(4, 4, 458756)); // EV_MSC's scan code, sent before each key
        events.addAll(KeyTyping.tap(UsKeymap.KEY_ENTER));
        assertEquals(List.of(new Scan.Code("a")), feed(events));
    }

    @Test
    void keypadDigits_decode_asAScannerEmulatingThemSends() {
        List<InputEvent> events = new ArrayList<>();
        for (int key : new int[] {79, 80, 81, 82, 83}) {
            events.addAll(KeyTyping.tap(key));
        }
        events.addAll(KeyTyping.tap(UsKeymap.KEY_KPENTER));
        assertEquals(List.of(new Scan.Code("1230.")), feed(events));
    }

    private List<Scan> feed(List<InputEvent> events) {
        List<Scan> scans = new ArrayList<>();
        for (InputEvent e : events) {
            decoder.accept(e).ifPresent(scans::add);
        }
        return scans;
    }
}
