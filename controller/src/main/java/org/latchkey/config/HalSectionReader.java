package org.latchkey.config;

import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HalConfig.Fault;
import org.latchkey.hal.Indicators;
import org.latchkey.hal.Level;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Reads the {@code [hal]} section: driver, pins, levels, PWM, timings, simulated faults. */
final class HalSectionReader {
    /** BCM numbers of the 40-pin header's GPIOs. */
    private static final int MAX_PIN = 27;

    private HalSectionReader() {}

    /**
     * @param configDir relative paths are relative to the config file's folder
     */
    static HalConfig read(Optional<Section> hal, java.nio.file.Path configDir)
            throws ConfigException {
        if (hal.isEmpty()) {
            return HalConfig.DEFAULTS;
        }
        Section s = hal.get();
        s.requireOnly(
                Set.of(
                        "driver",
                        "gpio_chip",
                        "pwm_root",
                        "door",
                        "bolt",
                        "camera",
                        "feedback",
                        "simulated"));
        HalConfig d = HalConfig.DEFAULTS;
        HalConfig.Driver driver =
                switch (s.optionalString("driver").orElse("pi4j")) {
                    case "pi4j" -> HalConfig.Driver.PI4J;
                    case "simulated" -> HalConfig.Driver.SIMULATED;
                    default -> throw s.error("driver", "must be \"pi4j\" or \"simulated\"");
                };
        Optional<String> chip = s.optionalString("gpio_chip");
        if (chip.isPresent() && !chip.get().matches("gpiochip[0-9]{1,2}")) {
            throw s.error("gpio_chip", "must name a chip like \"gpiochip0\"");
        }
        java.nio.file.Path pwmRoot =
                java.nio.file.Path.of(s.optionalString("pwm_root").orElse(d.pwmRoot().toString()));
        if (!pwmRoot.isAbsolute()) {
            throw s.error("pwm_root", "must be an absolute path, like \"/sys/class/pwm\"");
        }

        HalConfig.Contact contact = d.contact();
        Optional<Section> door = s.table("door");
        if (door.isPresent()) {
            Section c = door.get();
            c.requireOnly(Set.of("pin", "closed_level", "debounce"));
            contact =
                    new HalConfig.Contact(
                            c.integer("pin", contact.pin(), 0, MAX_PIN),
                            level(c, "closed_level", contact.closedLevel()),
                            duration(
                                    c,
                                    "debounce",
                                    contact.debounce(),
                                    Duration.ZERO,
                                    Duration.ofMillis(100)));
        }

        HalConfig.Bolt bolt = d.bolt();
        Optional<Section> boltSection = s.table("bolt");
        if (boltSection.isPresent()) {
            Section b = boltSection.get();
            b.requireOnly(
                    Set.of(
                            "pwm_chip",
                            "pwm_channel",
                            "locked_pulse_us",
                            "unlocked_pulse_us",
                            "travel_time",
                            "switch_pin",
                            "switch_locked_level"));
            int min = HalConfig.MIN_PULSE_MICROS;
            int max = HalConfig.MAX_PULSE_MICROS;
            bolt =
                    new HalConfig.Bolt(
                            b.integer("pwm_chip", bolt.pwmChip(), 0, 15),
                            b.integer("pwm_channel", bolt.pwmChannel(), 0, 15),
                            b.integer("locked_pulse_us", bolt.lockedPulseMicros(), min, max),
                            b.integer("unlocked_pulse_us", bolt.unlockedPulseMicros(), min, max),
                            duration(
                                    b,
                                    "travel_time",
                                    bolt.travelTime(),
                                    Duration.ofMillis(100),
                                    Duration.ofSeconds(5)),
                            b.optionalInteger("switch_pin", 0, MAX_PIN),
                            level(b, "switch_locked_level", bolt.switchLockedLevel()));
            if (bolt.lockedPulseMicros() == bolt.unlockedPulseMicros()) {
                throw b.error(
                        "unlocked_pulse_us",
                        "must differ from locked_pulse_us, or the bolt never moves");
            }
        }

        HalConfig.CameraWiring camera = d.camera();
        Optional<Section> cameraSection = s.table("camera");
        if (cameraSection.isPresent()) {
            Section c = cameraSection.get();
            c.requireOnly(
                    Set.of(
                            "trigger_pin",
                            "active_level",
                            "mode",
                            "pulse",
                            "ready_pin",
                            "ready_level"));
            HalConfig.CameraMode mode =
                    switch (c.optionalString("mode").orElse("hold")) {
                        case "hold" -> HalConfig.CameraMode.HOLD;
                        case "pulse" -> HalConfig.CameraMode.PULSE;
                        default ->
                                throw c.error(
                                        "mode",
                                        "must be \"hold\" (active while recording) or \"pulse\"");
                    };
            camera =
                    new HalConfig.CameraWiring(
                            c.integer("trigger_pin", camera.triggerPin(), 0, MAX_PIN),
                            level(c, "active_level", camera.activeLevel()),
                            mode,
                            duration(
                                    c,
                                    "pulse",
                                    camera.pulse(),
                                    Duration.ofMillis(10),
                                    Duration.ofSeconds(5)),
                            c.optionalInteger("ready_pin", 0, MAX_PIN),
                            level(c, "ready_level", camera.readyLevel()));
        }

        Set<Fault> faults = EnumSet.noneOf(Fault.class);
        Optional<java.nio.file.Path> stateFile = Optional.empty();
        Optional<Section> sim = s.table("simulated");
        if (sim.isPresent()) {
            Section f = sim.get();
            f.requireOnly(Set.of("faults", "state_file"));
            stateFile = f.optionalString("state_file").map(configDir::resolve);
            for (String name :
                    f.has("faults") ? f.strings("faults") : java.util.List.<String>of()) {
                faults.add(
                        Fault.fromConfigName(name)
                                .orElseThrow(
                                        () ->
                                                f.error(
                                                        "faults",
                                                        "unknown fault '"
                                                                + name
                                                                + "' (bolt-jam, contact-cut,"
                                                                + " camera-offline,"
                                                                + " feedback-fault)")));
            }
            if (!faults.isEmpty() && driver != HalConfig.Driver.SIMULATED) {
                throw f.error("faults", "faults can only be staged with driver = \"simulated\"");
            }
        }

        HalConfig.Feedback feedback = feedback(s.table("feedback"));
        checkPinsUnique(s, contact, bolt, camera, feedback);
        return new HalConfig(
                driver,
                chip,
                pwmRoot,
                contact,
                bolt,
                camera,
                new HalConfig.Simulated(faults, stateFile),
                feedback);
    }

    /** The siren's longest time: a neighbourhood's patience, and many towns' noise rules. */
    static final Duration MAX_SIREN = Duration.ofMinutes(15);

    /**
     * {@code [hal.feedback]}: {@code green_pin}, {@code red_pin}, {@code buzzer_pin}, each with
     * {@code _active_level} (default high) and {@code _sense_pin}; {@code siren} (default 0s: off).
     */
    private static HalConfig.Feedback feedback(Optional<Section> section) throws ConfigException {
        if (section.isEmpty()) {
            return HalConfig.Feedback.NONE;
        }
        Section f = section.get();
        Set<String> keys = new java.util.HashSet<>(Set.of("siren"));
        for (Indicators.Signal signal : Indicators.Signal.values()) {
            String name = signal.configName();
            keys.addAll(Set.of(name + "_pin", name + "_active_level", name + "_sense_pin"));
        }
        f.requireOnly(keys);
        Map<Indicators.Signal, HalConfig.Output> outputs =
                new java.util.EnumMap<>(Indicators.Signal.class);
        for (Indicators.Signal signal : Indicators.Signal.values()) {
            String name = signal.configName();
            OptionalInt pin = f.optionalInteger(name + "_pin", 0, MAX_PIN);
            if (pin.isEmpty()) {
                for (String other : List.of("_active_level", "_sense_pin")) {
                    if (f.has(name + other)) {
                        throw f.error(name + other, "needs " + name + "_pin");
                    }
                }
                continue;
            }
            outputs.put(
                    signal,
                    new HalConfig.Output(
                            pin.getAsInt(),
                            level(f, name + "_active_level", Level.HIGH),
                            f.optionalInteger(name + "_sense_pin", 0, MAX_PIN)));
        }
        Duration siren = duration(f, "siren", Duration.ZERO, Duration.ZERO, MAX_SIREN);
        if (siren.isPositive() && !outputs.containsKey(Indicators.Signal.BUZZER)) {
            throw f.error("siren", "needs buzzer_pin");
        }
        return new HalConfig.Feedback(outputs, siren);
    }

    private static void checkPinsUnique(
            Section s,
            HalConfig.Contact contact,
            HalConfig.Bolt bolt,
            HalConfig.CameraWiring camera,
            HalConfig.Feedback feedback)
            throws ConfigException {
        Map<Integer, String> used = new HashMap<>();
        claim(s, used, contact.pin(), "door.pin");
        claim(s, used, bolt.switchPin(), "bolt.switch_pin");
        claim(s, used, camera.triggerPin(), "camera.trigger_pin");
        claim(s, used, camera.readyPin(), "camera.ready_pin");
        for (Indicators.Signal signal : Indicators.Signal.values()) {
            HalConfig.Output out = feedback.outputs().get(signal);
            if (out != null) {
                String key = "feedback." + signal.configName();
                claim(s, used, out.pin(), key + "_pin");
                claim(s, used, out.sensePin(), key + "_sense_pin");
            }
        }
    }

    private static void claim(Section s, Map<Integer, String> used, OptionalInt pin, String key)
            throws ConfigException {
        if (pin.isPresent()) {
            claim(s, used, pin.getAsInt(), key);
        }
    }

    private static void claim(Section s, Map<Integer, String> used, int pin, String key)
            throws ConfigException {
        String other = used.putIfAbsent(pin, key);
        if (other != null) {
            throw s.error(key, "BCM pin " + pin + " is already used by hal." + other);
        }
        // GPIO18 carries the servo's hardware PWM (docs/wiring.md): a digital line on it would
        // fight the overlay.
        if (pin == 18) {
            throw s.error(key, "BCM pin 18 carries the servo's PWM signal");
        }
    }

    private static Level level(Section s, String key, Level fallback) throws ConfigException {
        Optional<String> text = s.optionalString(key);
        if (text.isEmpty()) {
            return fallback;
        }
        return switch (text.get()) {
            case "high" -> Level.HIGH;
            case "low" -> Level.LOW;
            default -> throw s.error(key, "must be \"high\" or \"low\"");
        };
    }

    /** A duration within bounds, or the fallback when the key is absent. */
    static Duration duration(Section s, String key, Duration fallback, Duration min, Duration max)
            throws ConfigException {
        Optional<String> text = s.optionalString(key);
        if (text.isEmpty()) {
            return fallback;
        }
        Duration d;
        try {
            d = Durations.parse(text.get());
        } catch (IllegalArgumentException e) {
            throw s.error(key, e.getMessage());
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw s.error(
                    key,
                    "must be between " + Durations.format(min) + " and " + Durations.format(max));
        }
        return d;
    }
}
