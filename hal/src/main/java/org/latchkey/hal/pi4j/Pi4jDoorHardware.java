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
    private final String description;

    public Pi4jDoorHardware(
            Context pi4j,
            HalConfig config,
            Path pwmRoot,
            SysfsPwm.Pause pause,
            Scheduler scheduler,
            HardwareListener listener)
            throws HalException {
        this.pi4j = pi4j;
        this.listener = listener;
        try {
            this.contact = contact(config.contact());
            DigitalInput boltSwitch =
                    config.bolt().switchPin().isPresent()
                            ? input(
                                    "bolt-switch",
                                    config.bolt().switchPin().getAsInt(),
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
            DigitalOutput trigger =
                    pi4j.create(
                            DigitalOutput.newConfigBuilder(pi4j)
                                    .id("camera-trigger")
                                    .name("camera trigger")
                                    .address(config.camera().triggerPin())
                                    .initial(state(config.camera().activeLevel().opposite()))
                                    .shutdown(state(config.camera().activeLevel().opposite())));
            DigitalInput ready =
                    config.camera().readyPin().isPresent()
                            ? input(
                                    "camera-ready",
                                    config.camera().readyPin().getAsInt(),
                                    Duration.ofMillis(10))
                            : null;
            this.camera = new GpioCamera(trigger, ready, config.camera(), scheduler, listener);
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

    private DoorContact contact(HalConfig.Contact c) {
        DigitalInput in = input("door-contact", c.pin(), c.debounce());
        DigitalState closed = state(c.closedLevel());
        in.addListener(
                e ->
                        listener.onEvent(
                                new HardwareEvent.DoorChanged(
                                        e.state() == closed ? DoorState.CLOSED : DoorState.OPEN)));
        // Anything but the closed level, including an undefined read, is open: fail secure.
        return () -> in.state() == closed ? DoorState.CLOSED : DoorState.OPEN;
    }

    private DigitalInput input(String id, int pin, Duration debounce) {
        return pi4j.create(
                DigitalInput.newConfigBuilder(pi4j)
                        .id(id)
                        .name(id.replace('-', ' '))
                        .address(pin)
                        // A reed switch or limit switch to ground: pull up, so a cut wire reads as
                        // not-closed.
                        .pull(PullResistance.PULL_UP)
                        .debounce(debounce.toNanos() / 1000, TimeUnit.MICROSECONDS));
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
    public String description() {
        return description;
    }

    @Override
    public void close() {
        bolt.stop();
        camera.stopTimers();
        shutdownQuietly();
    }

    private void shutdownQuietly() {
        if (!pi4j.isShutdown()) {
            pi4j.shutdown();
        }
    }
}
