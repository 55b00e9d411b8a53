package org.latchkey.hal.pi4j;

import com.pi4j.library.gpiod.internal.GpioDContext;
import com.pi4j.library.gpiod.internal.GpioLine;

import org.latchkey.hal.HalException;

import java.util.Optional;

/**
 * Turns Pi4J's failure to request a line into a message naming the device, its config key and its
 * pin, and for a busy line the program that holds it. Pi4J's own message names only its I/O id; the
 * errno ("Device or resource busy") is two causes down, and the holder is not mentioned.
 */
final class LineFailures {
    /** One device's line: "door contact", "hal.door.pin", 17. */
    record Wire(String device, String key, int pin) {}

    /** What the kernel says about a line. Empty where it cannot be asked. */
    interface LineInfo {
        Optional<String> name(int pin);

        /** The consumer label of whoever holds the line. */
        Optional<String> holder(int pin);
    }

    /**
     * Asks libgpiod through Pi4J's gpiod library (its exported internal package): after a failed
     * request the line is still open there, and an update reads the kernel's line info.
     */
    static final LineInfo GPIOD =
            new LineInfo() {
                @Override
                public Optional<String> name(int pin) {
                    return ask(pin, GpioLine::getName);
                }

                @Override
                public Optional<String> holder(int pin) {
                    return ask(pin, GpioLine::getConsumer);
                }

                private Optional<String> ask(
                        int pin, java.util.function.Function<GpioLine, String> what) {
                    try {
                        GpioLine line = GpioDContext.getInstance().getOrOpenLine(pin);
                        line.update();
                        return Optional.ofNullable(what.apply(line)).filter(s -> !s.isBlank());
                    } catch (RuntimeException | LinkageError e) {
                        return Optional.empty(); // not on gpiod, or the chip is gone: say less
                    }
                }
            };

    private LineFailures() {}

    static HalException explain(Wire wire, RuntimeException e, LineInfo info) {
        String where =
                "BCM "
                        + wire.pin()
                        + " ("
                        + wire.key()
                        + info.name(wire.pin()).map(n -> ", line \"" + n + "\"").orElse("")
                        + ")";
        if (busy(e)) {
            return new HalException(
                    wire.device()
                            + ": "
                            + where
                            + " is in use by another program"
                            + info.holder(wire.pin()).map(h -> " (\"" + h + "\")").orElse("")
                            + ". A GPIO line has one owner: stop the other program (is latchkeyd"
                            + " running? stop it before hw-test), or check that "
                            + wire.key()
                            + " names the right pin",
                    e);
        }
        return new HalException(
                wire.device() + ": cannot use " + where + ": " + innermost(e).getMessage(), e);
    }

    private static boolean busy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("Device or resource busy") || m.contains("EBUSY")) {
                return true;
            }
        }
        return false;
    }

    private static Throwable innermost(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
