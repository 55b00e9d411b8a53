package org.latchkey.hal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The {@code [hal]} section of the device configuration. Defaults match the wiring in
 * docs/wiring.md.
 *
 * @param gpioChip the gpiochip to use (default: the first whose label contains "pinctrl")
 * @param pwmRoot where the kernel shows its PWM chips: {@code /sys/class/pwm}, or a test folder
 *     where there is none
 * @param simulated what the simulated driver starts with (ignored by pi4j)
 */
public record HalConfig(
        Driver driver,
        Optional<String> gpioChip,
        Path pwmRoot,
        Contact contact,
        Bolt bolt,
        CameraWiring camera,
        Simulated simulated,
        Feedback feedback) {

    public enum Driver {
        PI4J,
        SIMULATED
    }

    /**
     * Faults the simulated driver can stage: their config names are {@code bolt-jam}, {@code
     * contact-cut}, {@code camera-offline}, {@code feedback-fault}.
     */
    public enum Fault {
        BOLT_JAM,
        CONTACT_CUT,
        CAMERA_OFFLINE,
        /** The lights and buzzer cannot be driven (a lost line). */
        FEEDBACK_FAULT;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        public static Optional<Fault> fromConfigName(String text) {
            for (Fault f : values()) {
                if (f.configName().equals(text)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }

    public enum CameraMode {
        /** The trigger is held active while recording. */
        HOLD,
        /** A pulse starts recording and another stops it. */
        PULSE
    }

    /**
     * The simulated door's own settings.
     *
     * @param faults faults it starts with
     * @param stateFile where it keeps the door's and the bolt's physical position, so a restart
     *     finds them as a crash left them (as a real door would be); without one, each start finds
     *     the door closed and locked
     */
    public record Simulated(Set<Fault> faults, Optional<Path> stateFile) {
        public static final Simulated NONE = new Simulated(Set.of(), Optional.empty());

        public Simulated {
            faults = Set.copyOf(faults);
            Objects.requireNonNull(stateFile);
        }
    }

    /** Door contact: a reed switch, normally closed to ground, so a cut wire reads as open. */
    public record Contact(int pin, Level closedLevel, Duration debounce) {}

    /**
     * Deadbolt servo on sysfs hardware PWM, with an optional bolt-position switch.
     *
     * @param switchPin the bolt switch's BCM pin, if fitted
     * @param switchLockedLevel the switch's level when the bolt is thrown
     */
    public record Bolt(
            int pwmChip,
            int pwmChannel,
            int lockedPulseMicros,
            int unlockedPulseMicros,
            Duration travelTime,
            OptionalInt switchPin,
            Level switchLockedLevel) {}

    /**
     * @param readyPin the camera's "ready" output, if wired
     * @param pulse pulse length in PULSE mode
     */
    public record CameraWiring(
            int triggerPin,
            Level activeLevel,
            CameraMode mode,
            Duration pulse,
            OptionalInt readyPin,
            Level readyLevel) {}

    /**
     * The door's lights and buzzer ({@code [hal.feedback]}), each optional.
     *
     * @param siren how long the buzzer sounds its siren after a forced entry; zero: never
     */
    public record Feedback(java.util.Map<Indicators.Signal, Output> outputs, Duration siren) {
        public static final Feedback NONE = new Feedback(java.util.Map.of(), Duration.ZERO);

        public Feedback {
            outputs = java.util.Map.copyOf(outputs);
            Objects.requireNonNull(siren);
        }
    }

    /**
     * One light or buzzer on a GPIO output.
     *
     * @param sensePin an input wired to read the output back, for hw-test, if fitted
     */
    public record Output(int pin, Level activeLevel, OptionalInt sensePin) {}

    public static final int MIN_PULSE_MICROS = 500;
    public static final int MAX_PULSE_MICROS = 2500;

    /** Where Linux shows PWM chips. */
    public static final Path SYS_CLASS_PWM = Path.of("/sys/class/pwm");

    public static final HalConfig DEFAULTS =
            new HalConfig(
                    Driver.PI4J,
                    Optional.empty(),
                    SYS_CLASS_PWM,
                    new Contact(17, Level.LOW, Duration.ofMillis(10)),
                    new Bolt(
                            0,
                            0,
                            1000,
                            2000,
                            Duration.ofMillis(700),
                            OptionalInt.empty(),
                            Level.LOW),
                    new CameraWiring(
                            22,
                            Level.HIGH,
                            CameraMode.HOLD,
                            Duration.ofMillis(200),
                            OptionalInt.empty(),
                            Level.HIGH),
                    Simulated.NONE,
                    Feedback.NONE);

    /** Without lights or buzzer. */
    public HalConfig(
            Driver driver,
            Optional<String> gpioChip,
            Path pwmRoot,
            Contact contact,
            Bolt bolt,
            CameraWiring camera,
            Simulated simulated) {
        this(driver, gpioChip, pwmRoot, contact, bolt, camera, simulated, Feedback.NONE);
    }

    public HalConfig {
        Objects.requireNonNull(driver);
        Objects.requireNonNull(gpioChip);
        Objects.requireNonNull(contact);
        Objects.requireNonNull(bolt);
        Objects.requireNonNull(camera);
        Objects.requireNonNull(pwmRoot);
        Objects.requireNonNull(simulated);
        Objects.requireNonNull(feedback);
    }

    /** The faults the simulated driver starts with. */
    public Set<Fault> faults() {
        return simulated.faults();
    }

    /** The same hardware on another driver (latchkeyd --simulate). */
    public HalConfig withDriver(Driver d) {
        return new HalConfig(d, gpioChip, pwmRoot, contact, bolt, camera, simulated, feedback);
    }
}
