package org.latchkey.bench;

import org.latchkey.config.DeviceConfig;
import org.latchkey.hal.HardwareListener;
import org.latchkey.hal.Scheduler;
import org.latchkey.hal.gpiosim.GpioSimChip;
import org.latchkey.hal.gpiosim.GpioSimDoor;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a bench door's hardware runs on: a back-end, and for gpio-sim the chip and how the door's
 * devices are wired to it.
 */
record Rig(BenchDoor.Gpio gpio, Optional<GpioSimChip> chip) {
    Rig {
        if ((gpio == BenchDoor.Gpio.GPIO_SIM) != chip.isPresent()) {
            throw new IllegalArgumentException("a gpio-sim chip goes with the gpio-sim back-end");
        }
    }

    static Rig of(BenchDoor.Gpio gpio) {
        return new Rig(gpio, Optional.empty());
    }

    static Rig gpioSim(GpioSimChip chip) {
        return new Rig(BenchDoor.Gpio.GPIO_SIM, Optional.of(chip));
    }

    /** The device config's {@code [hal]} section for a bench door in {@code dir}. */
    String halSection(Path dir) {
        if (gpio != BenchDoor.Gpio.GPIO_SIM) {
            // The mock-pi4j back-end builds its own HalConfig around Pi4J's mock providers.
            return "[hal]\ndriver = \"simulated\"\n\n" + feedbackSection(FEEDBACK_PINS);
        }
        GpioSimDoor.Wiring w = GpioSimDoor.Wiring.byLineNames(chip.get());
        // The production driver, as latchkeyd opens it, on the gpio-sim chip; the servo's PWM on a
        // test root beside the door (the machine has no PWM device).
        return """
        [hal]
        driver = "pi4j"
        gpio_chip = "%s"
        pwm_root = "%s"

        [hal.door]
        pin = %d
        closed_level = "%s"
        debounce = "10ms"

        [hal.bolt]
        travel_time = "700ms"
        switch_pin = %d
        switch_locked_level = "%s"

        [hal.camera]
        trigger_pin = %d
        active_level = "%s"
        ready_pin = %d
        ready_level = "%s"

        %s\
        """
                .formatted(
                        chip.get().name(),
                        dir.toAbsolutePath().resolve("sys-class-pwm"),
                        w.contact(),
                        lower(w.closedLevel()),
                        w.boltSwitch(),
                        lower(w.switchThrownLevel()),
                        w.trigger(),
                        lower(w.triggerActive()),
                        w.ready(),
                        lower(w.readyLevel()),
                        feedbackSection(feedbackPins(chip.get(), w)));
    }

    /**
     * The lights' and buzzer's lines: those named so on the chip, else docs/wiring.md's, else (a
     * chip whose names put another device there) the first free line.
     */
    static int[] feedbackPins(GpioSimChip chip, GpioSimDoor.Wiring w) {
        java.util.Set<Integer> used =
                new java.util.HashSet<>(
                        java.util.List.of(w.contact(), w.boltSwitch(), w.trigger(), w.ready(), 18));
        String[] names = {"green-light", "red-light", "buzzer"};
        int[] pins = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            int pin = chip.line(names[i]).orElse(FEEDBACK_PINS[i]);
            for (int free = 0; used.contains(pin) && free < chip.lines(); free++) {
                pin = free;
            }
            used.add(pin);
            pins[i] = pin;
        }
        return pins;
    }

    /** The bench door's green light, red light and buzzer: BCM 5, 6 and 13 (docs/wiring.md). */
    static final int[] FEEDBACK_PINS = {5, 6, 13};

    /** The lights and buzzer, and a short siren so that the forced-entry story shows it. */
    private static String feedbackSection(int[] pins) {
        return """
        [hal.feedback]
        green_pin = %d
        red_pin = %d
        buzzer_pin = %d
        siren = "5s"
        """
                .formatted(pins[0], pins[1], pins[2]);
    }

    private static String lower(org.latchkey.hal.Level level) {
        return level.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Opens the back-end for a door whose config was written with {@link #halSection}. */
    Backend open(
            Path dir,
            DeviceConfig config,
            Scheduler scheduler,
            HardwareListener listener,
            boolean boltThrown,
            boolean doorOpen)
            throws Exception {
        return switch (gpio) {
            case SIMULATED ->
                    new SimulatedBackend(
                            scheduler,
                            listener,
                            config.hal().bolt().travelTime(),
                            boltThrown,
                            doorOpen);
            case MOCK_PI4J ->
                    new MockPi4jBackend(
                            dir.resolve("sys-class-pwm"),
                            scheduler,
                            listener,
                            config.hal().bolt().travelTime(),
                            config.hal().feedback(),
                            boltThrown,
                            doorOpen);
            case GPIO_SIM ->
                    GpioSimBackend.open(
                            chip.get(), config.hal(), scheduler, listener, boltThrown, doorOpen);
        };
    }
}
