package org.latchkey.hal.pi4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.exception.InitializeException;
import com.pi4j.library.gpiod.internal.GpioDException;

import org.junit.jupiter.api.Test;
import org.latchkey.hal.HalException;

import java.util.Optional;

/** Pi4J's request failures, as an installer reads them. */
class LineFailuresTest {
    private static final LineFailures.Wire CONTACT =
            new LineFailures.Wire("door contact", "hal.door.pin", 17);

    /** What the kernel says about line 17 while a gpiomon holds it. */
    private static final LineFailures.LineInfo HELD =
            new LineFailures.LineInfo() {
                @Override
                public Optional<String> name(int pin) {
                    return pin == 17 ? Optional.of("door-contact") : Optional.empty();
                }

                @Override
                public Optional<String> holder(int pin) {
                    return pin == 17 ? Optional.of("latchkey-holder") : Optional.empty();
                }
            };

    private static final LineFailures.LineInfo UNKNOWN =
            new LineFailures.LineInfo() {
                @Override
                public Optional<String> name(int pin) {
                    return Optional.empty();
                }

                @Override
                public Optional<String> holder(int pin) {
                    return Optional.empty();
                }
            };

    /** Exactly the chain Pi4J 3.0.3 throws for a line another process holds (seen in the VM). */
    private static RuntimeException busy() {
        return new IllegalStateException(
                "Failed to initialize IO door-contact",
                new InitializeException(
                        "Failed to initialize input door-contact",
                        new GpioDException(
                                "c_gpiod_line_request_both_edges_events_flags failed: -1 (Device or"
                                        + " resource busy)")));
    }

    @Test
    void busyLine_namesDevicePinKeyLineAndHolder() {
        HalException e = LineFailures.explain(CONTACT, busy(), HELD);
        assertEquals(
                "door contact: BCM 17 (hal.door.pin, line \"door-contact\") is in use by another"
                        + " program (\"latchkey-holder\"). A GPIO line has one owner: stop the"
                        + " other program (is latchkeyd running? stop it before hw-test), or check"
                        + " that hal.door.pin names the right pin",
                e.getMessage());
    }

    @Test
    void busyLine_withoutLineInfo_stillNamesThePin() {
        String m = LineFailures.explain(CONTACT, busy(), UNKNOWN).getMessage();
        assertTrue(m.startsWith("door contact: BCM 17 (hal.door.pin) is in use"), m);
        assertFalse(m.contains("\"\""), m);
    }

    @Test
    void otherFailure_namesThePin_andGivesTheInnermostReason() {
        RuntimeException e =
                new IllegalStateException(
                        "Failed to initialize IO camera-ready",
                        new GpioDException("c_gpiod_chip_get_line failed: -1 (Invalid argument)"));
        String m =
                LineFailures.explain(
                                new LineFailures.Wire("camera ready", "hal.camera.ready_pin", 40),
                                e,
                                UNKNOWN)
                        .getMessage();
        assertEquals(
                "camera ready: cannot use BCM 40 (hal.camera.ready_pin): c_gpiod_chip_get_line"
                        + " failed: -1 (Invalid argument)",
                m);
    }
}
