package org.latchkey.hal;

import java.util.Set;

/**
 * The door's answer to the person in front of it: a green and a red light and an active buzzer,
 * each optional. Outputs only; {@link DoorHardware#close()} turns them off.
 */
public interface Indicators {
    enum Signal {
        GREEN,
        RED,
        BUZZER;

        /** Its name in the config ({@code green}) and on the bench's timeline. */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** None fitted. */
    Indicators NONE =
            new Indicators() {
                @Override
                public Set<Signal> fitted() {
                    return Set.of();
                }

                @Override
                public void set(Signal signal, boolean on) {}

                @Override
                public boolean isOn(Signal signal) {
                    return false;
                }
            };

    Set<Signal> fitted();

    /**
     * Turns one on or off; ignored for one not fitted.
     *
     * @throws HalException the output could not be driven (the line was lost)
     */
    void set(Signal signal, boolean on) throws HalException;

    /** The level last set. */
    boolean isOn(Signal signal);

    /**
     * Whether the output is really on, read back on its sense input; empty where none is wired.
     *
     * @throws HalException the sense input could not be read
     */
    default java.util.Optional<Boolean> sensed(Signal signal) throws HalException {
        return java.util.Optional.empty();
    }
}
