package org.latchkey.hal;

/**
 * One door's devices. {@link #close()} leaves every output in its declared safe state (camera
 * trigger inactive, PWM disabled) and releases every line.
 */
public interface DoorHardware extends AutoCloseable {
    Deadbolt bolt();

    DoorContact contact();

    Camera camera();

    /** A short description for logs and hw-test, e.g. "pi4j (gpiod gpiochip0, pwmchip0/pwm0)". */
    String description();

    @Override
    void close();
}
