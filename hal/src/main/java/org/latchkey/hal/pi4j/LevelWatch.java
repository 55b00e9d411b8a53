package org.latchkey.hal.pi4j;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;

import java.util.function.Consumer;

/**
 * Reports an input's level changes as the line reads after each of Pi4J's events, once per real
 * change. Pi4J 3.0.3's debounce merges only edges that are still younger than the debounce time
 * when its reader thread gets to them: a reader that lags (a busy CPU) hands over every bounce of a
 * burst, and trusting each event's own state would report OPEN, CLOSED, OPEN for one opening.
 * Reading the line instead makes a late burst one change to where the line settled.
 */
final class LevelWatch {
    private final DigitalInput input;
    private final Consumer<DigitalState> onChange;
    private DigitalState reported;

    LevelWatch(DigitalInput input, Consumer<DigitalState> onChange) {
        this.input = input;
        this.onChange = onChange;
        this.reported = input.state();
        input.addListener(e -> changed());
    }

    private void changed() {
        DigitalState now;
        synchronized (this) {
            now = input.state();
            if (now == reported) {
                return;
            }
            reported = now;
        }
        onChange.accept(now);
    }

    /** The line as it reads now (not the last report). */
    DigitalState state() {
        return input.state();
    }
}
