package org.latchkey.bench;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;

import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HalException;
import org.latchkey.hal.HardwareListener;
import org.latchkey.hal.Level;
import org.latchkey.hal.Scheduler;
import org.latchkey.hal.pi4j.Pi4jDoorHardware;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The production Pi4J hardware layer, down to the Pi4J API, on Pi4J's mock GPIO providers and a
 * folder laid out like /sys/class/pwm. A small model of the physical door plays the other side: the
 * bolt follows the servo's pulse width (unless jammed), the bolt switch and the reed switch follow
 * the bolt and the door, the camera's ready line follows its trigger (unless offline).
 */
final class MockPi4jBackend implements Backend {
    static final int DOOR_PIN = 17;
    static final int SWITCH_PIN = 27;
    static final int TRIGGER_PIN = 22;
    static final int READY_PIN = 23;
    private static final Duration PHYSICS_STEP = Duration.ofMillis(50);
    private static final Duration CAMERA_START_UP = Duration.ofMillis(300);

    private final Context pi4j;
    private final Pi4jDoorHardware hardware;
    private final Path pwm;
    private final Scheduler scheduler;
    private final Set<HalConfig.Fault> faults = EnumSet.noneOf(HalConfig.Fault.class);
    private boolean boltThrown;
    private boolean doorOpen;
    private Duration triggerActiveSince;
    private volatile boolean closed;

    MockPi4jBackend(
            Path sysfs,
            Scheduler scheduler,
            HardwareListener listener,
            Duration travel,
            HalConfig.Feedback feedback,
            boolean boltThrown,
            boolean doorOpen)
            throws HalException, IOException {
        this.scheduler = scheduler;
        this.boltThrown = boltThrown;
        this.doorOpen = doorOpen;
        pwm = Files.createDirectories(sysfs.resolve("pwmchip0/pwm0"));
        for (String f : new String[] {"enable", "period", "duty_cycle"}) {
            Files.writeString(pwm.resolve(f), "0");
        }
        pi4j =
                Pi4J.newContextBuilder()
                        .noAutoDetect()
                        .add(
                                MockDigitalInputProvider.newInstance(),
                                MockDigitalOutputProvider.newInstance())
                        .build();
        HalConfig config =
                new HalConfig(
                        HalConfig.Driver.PI4J,
                        Optional.empty(),
                        sysfs,
                        new HalConfig.Contact(DOOR_PIN, Level.LOW, Duration.ofMillis(10)),
                        new HalConfig.Bolt(
                                0, 0, 1000, 2000, travel, OptionalInt.of(SWITCH_PIN), Level.LOW),
                        new HalConfig.CameraWiring(
                                TRIGGER_PIN,
                                Level.HIGH,
                                HalConfig.CameraMode.HOLD,
                                Duration.ofMillis(200),
                                OptionalInt.of(READY_PIN),
                                Level.HIGH),
                        HalConfig.Simulated.NONE,
                        feedback);
        // The world is in place before the hardware reads it at start.
        hardware = new Pi4jDoorHardware(pi4j, config, sysfs, d -> {}, scheduler, listener);
        applyWorld();
        step();
    }

    /** Advances the physical model every few virtual milliseconds. */
    private void step() {
        if (closed) {
            return;
        }
        scheduler.schedule(
                PHYSICS_STEP,
                () -> {
                    physics();
                    step();
                });
    }

    private synchronized void physics() {
        try {
            boolean driven = Files.readString(pwm.resolve("enable")).strip().equals("1");
            String dutyText = Files.readString(pwm.resolve("duty_cycle")).strip();
            // A plain file, unlike a sysfs attribute, can be read half-written: then wait for the
            // next step.
            if (driven
                    && dutyText.matches("\\d{1,12}")
                    && !faults.contains(HalConfig.Fault.BOLT_JAM)) {
                boltThrown =
                        Long.parseLong(dutyText)
                                < 1_500_000L; // the locked pulse (1000 us) throws the bolt
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean triggerOn = output(TRIGGER_PIN).state() == DigitalState.HIGH;
        if (triggerOn && triggerActiveSince == null) {
            triggerActiveSince = scheduler.elapsed();
        } else if (!triggerOn) {
            triggerActiveSince = null;
        }
        applyWorld();
    }

    private void applyWorld() {
        set(
                input(DOOR_PIN),
                doorOpen || faults.contains(HalConfig.Fault.CONTACT_CUT)
                        ? DigitalState.HIGH
                        : DigitalState.LOW);
        set(input(SWITCH_PIN), boltThrown ? DigitalState.LOW : DigitalState.HIGH);
        boolean ready =
                triggerActiveSince != null
                        && !faults.contains(HalConfig.Fault.CAMERA_OFFLINE)
                        && scheduler.elapsed().minus(triggerActiveSince).compareTo(CAMERA_START_UP)
                                >= 0;
        set(input(READY_PIN), ready ? DigitalState.HIGH : DigitalState.LOW);
    }

    private static void set(MockDigitalInput in, DigitalState s) {
        if (in.state() != s) {
            in.mockState(s);
        }
    }

    private MockDigitalInput input(int pin) {
        String id =
                switch (pin) {
                    case DOOR_PIN -> "door-contact";
                    case SWITCH_PIN -> "bolt-switch";
                    default -> "camera-ready";
                };
        return pi4j.registry().get(id, MockDigitalInput.class);
    }

    private MockDigitalOutput output(int pin) {
        return pi4j.registry().get("camera-trigger", MockDigitalOutput.class);
    }

    /** The camera trigger output as Pi4J holds it. */
    DigitalState triggerState() {
        return output(TRIGGER_PIN).state();
    }

    /** Whether the servo's PWM channel is switched on. */
    boolean pwmEnabled() throws IOException {
        return Files.readString(pwm.resolve("enable")).strip().equals("1");
    }

    @Override
    public DoorHardware hardware() {
        return hardware;
    }

    @Override
    public synchronized void open() {
        if (!boltThrown) {
            doorOpen = true;
            applyWorld();
        }
    }

    @Override
    public synchronized void shut() {
        doorOpen = false;
        applyWorld();
    }

    @Override
    public synchronized void force() {
        doorOpen = true;
        applyWorld();
    }

    @Override
    public synchronized void inject(HalConfig.Fault fault) {
        faults.add(fault);
        applyWorld();
    }

    @Override
    public synchronized boolean boltThrown() {
        return boltThrown;
    }

    @Override
    public synchronized boolean doorOpen() {
        return doorOpen;
    }

    /**
     * The Pi4J context is shut down with the hardware: outputs to their safe states, lines
     * released.
     */
    @Override
    public void release() {
        closed = true;
        hardware.close();
    }
}
