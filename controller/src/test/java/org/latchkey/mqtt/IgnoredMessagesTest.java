package org.latchkey.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/** One record per topic and reason per window, and a burst that stops is still counted. */
class IgnoredMessagesTest {
    private Duration now = Duration.ZERO;
    private final IgnoredMessages ignored = new IgnoredMessages(() -> now);

    @Test
    void aBurst_getsOneRecord_thenItsCountIsWrittenOnceTheWindowHasPassed() {
        assertEquals(OptionalLong.of(0), ignored.admit("door/command", "UNLOCK_REFUSED", "d"));
        for (int i = 0; i < 4999; i++) {
            assertTrue(ignored.admit("door/command", "UNLOCK_REFUSED", "d").isEmpty());
        }
        assertEquals(List.of(), ignored.due(), "not before the window has passed");
        now = IgnoredMessages.WINDOW;
        assertEquals(
                List.of(new IgnoredMessages.Held("door/command", "UNLOCK_REFUSED", "d", 4999)),
                ignored.due());
        assertEquals(List.of(), ignored.due(), "written once");
        now = now.plus(IgnoredMessages.WINDOW);
        assertEquals(
                OptionalLong.of(0),
                ignored.admit("door/command", "UNLOCK_REFUSED", "d"),
                "the next message is a record of its own, with nothing held");
    }

    @Test
    void topicsAndReasons_areCountedApart() {
        ignored.admit("a", "STALE", "");
        ignored.admit("a", "STALE", "");
        ignored.admit("a", "RETAINED", "");
        ignored.admit("b", "STALE", "");
        now = IgnoredMessages.WINDOW;
        assertEquals(List.of(new IgnoredMessages.Held("a", "STALE", "", 1)), ignored.due());
    }
}
