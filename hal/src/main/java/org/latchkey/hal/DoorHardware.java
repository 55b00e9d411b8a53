package org.latchkey.hal;

/**
 * One door's devices. {@link #close()} leaves every output in its declared safe state (camera
 * trigger inactive, lights and buzzer off, PWM disabled) and releases every line.
 */
public interface DoorHardware extends AutoCloseable {
    Deadbolt bolt();

    DoorContact contact();

    Camera camera();

    /** The lights and buzzer; {@link Indicators#NONE} when none are fitted. */
    Indicators indicators();

    /** A short description for logs and hw-test, e.g. "pi4j (gpiod gpiochip0, pwmchip0/pwm0)". */
    String description();

    @Override
    void close();
}
