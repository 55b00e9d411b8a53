package org.latchkey.hal;

/** An electrical level on a GPIO line. */
public enum Level {
    HIGH,
    LOW;

    public Level opposite() {
        return this == HIGH ? LOW : HIGH;
    }
}
