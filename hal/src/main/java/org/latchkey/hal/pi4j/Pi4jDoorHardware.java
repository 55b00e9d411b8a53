package org.latchkey.hal.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;

import org.latchkey.hal.Camera;
import org.latchkey.hal.Deadbolt;
import org.latchkey.hal.DoorContact;
import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.DoorState;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HalException;
import org.latchkey.hal.HardwareEvent;
import org.latchkey.hal.HardwareListener;
import org.latchkey.hal.Indicators;
import org.latchkey.hal.Level;
import org.latchkey.hal.Scheduler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The door on a Raspberry Pi: digital I/O through a Pi4J context (gpiod on a Pi, the mock providers
 * in tests), the servo through sysfs PWM. The context is built by the caller ({@link Pi4jContexts}
 * in production) and shut down by {@link #close()}, which drives outputs to their safe states and
 * releases the lines.
 */
public final class Pi4jDoorHardware implements DoorHardware {
    /** A servo's frame: 50 Hz. */
    static final long PERIOD_NANOS = 20_000_000L;

    private final Context pi4j;
    private final HardwareListener listener;
    private final DoorContact contact;
    private final ServoDeadbolt bolt;
    private final GpioCamera camera;
    private final GpioIndicators indicators;
    private final String description;
    private final LineFailures.LineInfo lines;

    public Pi4jDoorHardware(
            Context pi4j,
            HalConfig config,
            Path pwmRoot,
            SysfsPwm.Pause pause,
            Scheduler scheduler,
            HardwareListener listener)
            throws HalException {
        this(pi4j, config, pwmRoot, pause, scheduler, listener, LineFailures.GPIOD);
    }

    Pi4jDoorHardware(
            Context pi4j,
            HalConfig config,
            Path pwmRoot,
            SysfsPwm.Pause pause,
            Scheduler scheduler,
            HardwareListener listener,
            LineFailures.LineInfo lines)
            throws HalException {
        this.pi4j = pi4j;
        this.listener = listener;
        this.lines = lines;
        try {
            checkDistinct(config);
            this.contact = contact(config.contact());
            DigitalInput boltSwitch =
                    config.bolt().switchPin().isPresent()
                            ? input(
                                    new LineFailures.Wire(
                                            "bolt switch",
                                            "hal.bolt.switch_pin",
                                            config.bolt().switchPin().getAsInt()),
                                    "bolt-switch",
                                    Duration.ofMillis(10))
                            : null;
            SysfsPwm pwm =
                    SysfsPwm.open(
                            pwmRoot,
                            config.bolt().pwmChip(),
                            config.bolt().pwmChannel(),
                            PERIOD_NANOS,
                            pause);
            this.bolt = new ServoDeadbolt(pwm, config.bolt(), boltSwitch, scheduler, listener);
            HalConfig.CameraWiring cam = config.camera();
            DigitalOutput trigger =
                    request(
                            new LineFailures.Wire(
                                    "camera trigger", "hal.camera.trigger_pin", cam.triggerPin()),
                            () ->
                                    pi4j.create(
                                            DigitalOutput.newConfigBuilder(pi4j)
                                                    .id("camera-trigger")
                                                    .name("camera trigger")
                                                    .address(cam.triggerPin())
                                                    .initial(state(cam.activeLevel().opposite()))
                                                    .shutdown(
                                                            state(cam.activeLevel().opposite()))));
            DigitalInput ready =
                    cam.readyPin().isPresent()
                            ? input(
                                    new LineFailures.Wire(
                                            "camera ready",
                                            "hal.camera.ready_pin",
                                            cam.readyPin().getAsInt()),
                                    "camera-ready",
                                    Duration.ofMillis(10))
                            : null;
            this.camera = new GpioCamera(trigger, ready, cam, scheduler, listener);
            this.indicators = indicators(config.feedback());
            this.description =
                    "pi4j (gpiod, door BCM " + config.contact().pin() + ", " + pwm.name() + ")";
        } catch (HalException e) {
            shutdownQuietly();
            throw e;
        } catch (RuntimeException e) {
            shutdownQuietly();
            throw new HalException("cannot set up GPIO: " + e.getMessage(), e);
        }
    }

    /**
     * Two devices on one pin: Pi4J keeps addresses per I/O type, so an output on an input's pin
     * reaches gpiod, which releases the input's line first and leaves the input dead (found on the
     * real gpiod path; the mock accepts both). The config loader refuses this too; this guards
     * every other way a HalConfig is made.
     */
    private static void checkDistinct(HalConfig c) throws HalException {
        java.util.Map<Integer, String> used = new java.util.TreeMap<>();
        java.util.List<String> clashes = new java.util.ArrayList<>();
        java.util.function.BiConsumer<Integer, String> claim =
                (pin, key) -> {
                    String other = used.putIfAbsent(pin, key);
                    if (other != null) {
                        clashes.add("BCM " + pin + " is both " + other + " and " + key);
                    }
                };
        claim.accept(c.contact().pin(), "hal.door.pin");
        c.bolt().switchPin().ifPresent(p -> claim.accept(p, "hal.bolt.switch_pin"));
        claim.accept(c.camera().triggerPin(), "hal.camera.trigger_pin");
        c.camera().readyPin().ifPresent(p -> claim.accept(p, "hal.camera.ready_pin"));
        c.feedback()
                .outputs()
                .forEach(
                        (signal, out) -> {
                            String key = "hal.feedback." + signal.configName();
                            claim.accept(out.pin(), key + "_pin");
                            out.sensePin().ifPresent(p -> claim.accept(p, key + "_sense_pin"));
                        });
        if (!clashes.isEmpty()) {
            throw new HalException(
                    String.join("; ", clashes) + ": every device needs a pin of its own");
        }
    }

    /** The lights and buzzer: outputs that start and shut down inactive. */
    private GpioIndicators indicators(HalConfig.Feedback feedback) throws HalException {
        java.util.Map<Indicators.Signal, DigitalOutput> lines =
                new java.util.EnumMap<>(Indicators.Signal.class);
        for (var e : feedback.outputs().entrySet()) {
            Indicators.Signal signal = e.getKey();
            HalConfig.Output out = e.getValue();
            DigitalState off = state(out.activeLevel().opposite());
            lines.put(
                    signal,
                    request(
                            new LineFailures.Wire(
                                    signal.configName()
                                            + " "
                                            + (signal == Indicators.Signal.BUZZER
                                                    ? "buzzer"
                                                    : "light"),
                                    "hal.feedback." + signal.configName() + "_pin",
                                    out.pin()),
                            () ->
                                    pi4j.create(
                                            DigitalOutput.newConfigBuilder(pi4j)
                                                    .id("feedback-" + signal.configName())
                                                    .name(signal.configName())
                                                    .address(out.pin())
                                                    .initial(off)
                                                    .shutdown(off))));
        }
        java.util.Map<Indicators.Signal, DigitalInput> senses =
                new java.util.EnumMap<>(Indicators.Signal.class);
        for (var e : feedback.outputs().entrySet()) {
            if (e.getValue().sensePin().isPresent()) {
                String name = e.getKey().configName();
                senses.put(
                        e.getKey(),
                        input(
                                new LineFailures.Wire(
                                        name + " sense",
                                        "hal.feedback." + name + "_sense_pin",
                                        e.getValue().sensePin().getAsInt()),
                                "feedback-" + name + "-sense",
                                Duration.ZERO));
            }
        }
        return new GpioIndicators(lines, senses, feedback.outputs());
    }

    private DoorContact contact(HalConfig.Contact c) throws HalException {
        DigitalInput in =
                input(
                        new LineFailures.Wire("door contact", "hal.door.pin", c.pin()),
                        "door-contact",
                        c.debounce());
        DigitalState closed = state(c.closedLevel());
        LevelWatch watch =
                new LevelWatch(
                        in,
                        level ->
                                listener.onEvent(
                                        new HardwareEvent.DoorChanged(
                                                level == closed
                                                        ? DoorState.CLOSED
                                                        : DoorState.OPEN)));
        // Anything but the closed level, including an undefined read, is open: fail secure.
        return () -> watch.state() == closed ? DoorState.CLOSED : DoorState.OPEN;
    }

    private DigitalInput input(LineFailures.Wire wire, String id, Duration debounce)
            throws HalException {
        return request(
                wire,
                () ->
                        pi4j.create(
                                DigitalInput.newConfigBuilder(pi4j)
                                        .id(id)
                                        .name(id.replace('-', ' '))
                                        .address(wire.pin())
                                        // A reed switch or limit switch to ground: pull up, so a
                                        // cut wire reads as not-closed.
                                        .pull(PullResistance.PULL_UP)
                                        .debounce(
                                                debounce.toNanos() / 1000, TimeUnit.MICROSECONDS)));
    }

    /** One line request; a failure names the device, its config key and its pin. */
    private <T> T request(LineFailures.Wire wire, java.util.function.Supplier<T> create)
            throws HalException {
        try {
            return create.get();
        } catch (RuntimeException e) {
            throw LineFailures.explain(wire, e, lines);
        }
    }

    static DigitalState state(Level level) {
        return level == Level.HIGH ? DigitalState.HIGH : DigitalState.LOW;
    }

    @Override
    public Deadbolt bolt() {
        return bolt;
    }

    @Override
    public DoorContact contact() {
        return contact;
    }

    @Override
    public Camera camera() {
        return camera;
    }

    @Override
    public Indicators indicators() {
        return indicators;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        bolt.stop();
        camera.stopTimers();
        if (indicators != null) {
            indicators.allOff();
        }
        shutdownQuietly();
    }

    private void shutdownQuietly() {
        if (!pi4j.isShutdown()) {
            pi4j.shutdown();
        }
    }
}
