package org.latchkey.hal.gpiosim;

import org.latchkey.hal.HalConfig;
import org.latchkey.hal.Level;
import org.latchkey.hal.Scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The physical door on the other side of a gpio-sim chip: a servo-driven bolt, its position switch,
 * a door with a reed switch, and a camera with a ready output. It reads what the door's program
 * drives (the servo's pulse width from the PWM test root, the camera trigger from gpio-sim's {@code
 * value}) and drives what the program reads (contact, bolt switch, camera ready) through gpio-sim's
 * {@code pull}, by the same rules as the bench's mock-pi4j model: the bolt takes its travel time,
 * the bolt switch follows the bolt (open as soon as it leaves the thrown position), the contact
 * follows the door, the camera is ready a start-up time after its trigger went active.
 *
 * <p>Time comes from a {@link Scheduler}: the physics advance one step at a time, on virtual time
 * for the bench or real time beside {@code latchkey hw-test}.
 */
public final class GpioSimDoor implements AutoCloseable {
    /** The lines the door drives. */
    public enum Input {
        DOOR_CONTACT,
        BOLT_SWITCH,
        CAMERA_READY
    }

    /**
     * Which chip line each device is wired to, and its levels.
     *
     * @param closedLevel the contact's level while the door is closed
     * @param switchThrownLevel the bolt switch's level while the bolt is thrown
     */
    public record Wiring(
            int contact,
            Level closedLevel,
            int boltSwitch,
            Level switchThrownLevel,
            int trigger,
            Level triggerActive,
            int ready,
            Level readyLevel) {
        /** The wiring of docs/wiring.md, with the bolt switch and the camera's ready output. */
        public static final Wiring STANDARD =
                new Wiring(17, Level.LOW, 27, Level.LOW, 22, Level.HIGH, 23, Level.HIGH);

        /**
         * The lines named {@code door-contact}, {@code bolt-switch}, {@code camera-trigger} and
         * {@code camera-ready} on the chip; the standard line for a name the chip lacks.
         */
        public static Wiring byLineNames(GpioSimChip chip) {
            Wiring s = STANDARD;
            return new Wiring(
                    chip.line("door-contact").orElse(s.contact()),
                    s.closedLevel(),
                    chip.line("bolt-switch").orElse(s.boltSwitch()),
                    s.switchThrownLevel(),
                    chip.line("camera-trigger").orElse(s.trigger()),
                    s.triggerActive(),
                    chip.line("camera-ready").orElse(s.ready()),
                    s.readyLevel());
        }

        int line(Input input) {
            return switch (input) {
                case DOOR_CONTACT -> contact;
                case BOLT_SWITCH -> boltSwitch;
                case CAMERA_READY -> ready;
            };
        }
    }

    /**
     * The servo: its channel folder in the PWM test root (the guest has no PWM device) and the
     * pulse widths of the two positions.
     */
    public record Servo(Path channel, int lockedPulseMicros, int unlockedPulseMicros) {
        /** The servo a door config drives: its PWM channel under the test root, its two pulses. */
        public static Servo of(org.latchkey.hal.HalConfig hal) throws IOException {
            org.latchkey.hal.HalConfig.Bolt b = hal.bolt();
            return new Servo(
                    pwmTestRoot(hal.pwmRoot(), b.pwmChip(), b.pwmChannel()),
                    b.lockedPulseMicros(),
                    b.unlockedPulseMicros());
        }
    }

    /**
     * @param step how often the world moves
     * @param boltTravel how long the bolt needs while the servo is driven; shorter than the door's
     *     configured travel time, or the door would find it still moving
     * @param cameraStartUp how long the camera takes from trigger to ready
     */
    public record Physics(Duration step, Duration boltTravel, Duration cameraStartUp) {}

    /**
     * Hears each change the door drives onto an input. The bench waits there until the door's
     * program has seen the change, so a story on virtual time stays in step with the real edges.
     */
    @FunctionalInterface
    public interface Observer {
        /** Just before the door writes the line. */
        default void driving(Input input, Level level) {}

        /** Just after. */
        void driven(Input input, Level level);
    }

    private final GpioSimChip chip;
    private final Wiring wiring;
    private final Servo servo;
    private final Physics physics;
    private final Scheduler scheduler;
    private final Observer observer;
    private final boolean watchRequests;
    private final Set<HalConfig.Fault> faults = EnumSet.noneOf(HalConfig.Fault.class);
    // What this model last wrote on each input, and the bias a program's request put there.
    private final Map<Input, Level> driven = new EnumMap<>(Input.class);
    private final Map<Input, Level> bias = new EnumMap<>(Input.class);

    private boolean boltThrown;
    private boolean doorOpen;
    private Boolean travelTowardsThrown;
    private Duration travelSince;
    private Duration triggerActiveSince;
    private int lastPulseMicros;
    private boolean closed;

    /**
     * Puts the door's world onto the chip and starts its physics.
     *
     * @param watchRequests check on every step whether a program's line request replaced an input's
     *     level (gpio-sim applies a requested bias as if it came from outside) and drive it again;
     *     for a door opened by someone else ({@code hw-test}). The bench calls {@link #resync()}
     *     right after it opens the hardware instead.
     */
    public GpioSimDoor(
            GpioSimChip chip,
            Wiring wiring,
            Servo servo,
            Physics physics,
            Scheduler scheduler,
            Observer observer,
            boolean watchRequests,
            boolean boltThrown,
            boolean doorOpen)
            throws IOException {
        this.chip = chip;
        this.wiring = wiring;
        this.servo = servo;
        this.physics = physics;
        this.scheduler = scheduler;
        this.observer = observer;
        this.watchRequests = watchRequests;
        this.boltThrown = boltThrown;
        this.doorOpen = doorOpen;
        synchronized (this) {
            applyWorld();
        }
        next();
    }

    private void next() {
        scheduler.schedule(physics.step(), this::step);
    }

    private void step() {
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                if (watchRequests) {
                    takeBackRequestedLines();
                }
                moveBolt();
                watchTrigger();
                applyWorld();
            } catch (IOException e) {
                throw new UncheckedIOException("gpio-sim door on " + chip.name(), e);
            }
        }
        next();
    }

    /**
     * After a program requested the lines: read the bias each request put on an input (the line's
     * pull-up or pull-down, which a cut wire floats to) and drive the world's levels again.
     */
    public synchronized void resync() throws IOException {
        for (Input input : Input.values()) {
            int line = wiring.line(input);
            bias.put(input, chip.pull(line));
            if (chip.value(line) != driven.get(input)) {
                drive(input, driven.get(input));
            }
        }
    }

    private void takeBackRequestedLines() throws IOException {
        for (Input input : Input.values()) {
            int line = wiring.line(input);
            if (chip.value(line) != driven.get(input)) {
                bias.put(input, chip.pull(line));
                drive(input, driven.get(input));
            }
        }
    }

    private void moveBolt() throws IOException {
        Optional<Long> duty = servoDuty();
        duty.ifPresent(d -> lastPulseMicros = (int) (d / 1000));
        if (duty.isEmpty() || faults.contains(HalConfig.Fault.BOLT_JAM)) {
            travelTowardsThrown = null; // not driven, or stuck: the bolt stays where it is
            return;
        }
        boolean towardsThrown =
                Math.abs(lastPulseMicros - servo.lockedPulseMicros())
                        < Math.abs(lastPulseMicros - servo.unlockedPulseMicros());
        if (towardsThrown == boltThrown) {
            travelTowardsThrown = null;
            return;
        }
        Duration now = scheduler.elapsed();
        if (travelTowardsThrown == null || travelTowardsThrown != towardsThrown) {
            travelTowardsThrown = towardsThrown;
            travelSince = now;
        }
        if (now.minus(travelSince).compareTo(physics.boltTravel()) >= 0) {
            boltThrown = towardsThrown;
            travelTowardsThrown = null;
        }
    }

    /** The pulse width while the channel is enabled; empty when off or not (yet) readable. */
    private Optional<Long> servoDuty() throws IOException {
        String enable = attribute("enable");
        String duty = attribute("duty_cycle");
        // A plain file, unlike a sysfs attribute, can be read half-written: then wait a step.
        if (!enable.equals("1") || !duty.matches("\\d{1,12}")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(duty));
    }

    private String attribute(String name) throws IOException {
        try {
            return Files.readString(servo.channel().resolve(name), StandardCharsets.US_ASCII)
                    .strip();
        } catch (NoSuchFileException e) {
            return ""; // not exported yet
        }
    }

    private void watchTrigger() throws IOException {
        boolean active = chip.value(wiring.trigger()) == wiring.triggerActive();
        if (active && triggerActiveSince == null) {
            triggerActiveSince = scheduler.elapsed();
        } else if (!active) {
            triggerActiveSince = null;
        }
    }

    private void applyWorld() throws IOException {
        Level open = wiring.closedLevel().opposite();
        Level contact =
                faults.contains(HalConfig.Fault.CONTACT_CUT)
                        ? floating(Input.DOOR_CONTACT)
                        : doorOpen ? open : wiring.closedLevel();
        boolean switchClosed = boltThrown && travelTowardsThrown == null;
        Level boltSwitch =
                switchClosed ? wiring.switchThrownLevel() : wiring.switchThrownLevel().opposite();
        boolean ready =
                triggerActiveSince != null
                        && !faults.contains(HalConfig.Fault.CAMERA_OFFLINE)
                        && scheduler
                                        .elapsed()
                                        .minus(triggerActiveSince)
                                        .compareTo(physics.cameraStartUp())
                                >= 0;
        update(Input.DOOR_CONTACT, contact);
        update(Input.BOLT_SWITCH, boltSwitch);
        update(Input.CAMERA_READY, ready ? wiring.readyLevel() : wiring.readyLevel().opposite());
    }

    /**
     * A cut wire leaves the line to the program's own bias (with a pull-up and normally-closed
     * wiring: high, read as open). Unknown bias: the line keeps its pull, as gpio-sim has no
     * floating level.
     */
    private Level floating(Input input) throws IOException {
        Level b = bias.get(input);
        return b != null ? b : chip.pull(wiring.line(input));
    }

    private void update(Input input, Level level) throws IOException {
        if (driven.get(input) != level) {
            drive(input, level);
        }
    }

    private void drive(Input input, Level level) throws IOException {
        observer.driving(input, level);
        chip.pull(wiring.line(input), level);
        driven.put(input, level);
        observer.driven(input, level);
    }

    // ---- hands on the door

    /** A person pulls the door: a thrown bolt holds it. */
    public synchronized boolean open() throws IOException {
        if (!boltThrown) {
            doorOpen = true;
            applyWorld();
        }
        return doorOpen;
    }

    public synchronized void shut() throws IOException {
        doorOpen = false;
        applyWorld();
    }

    /** The door is forced open, bolt or not. */
    public synchronized void force() throws IOException {
        doorOpen = true;
        applyWorld();
    }

    /**
     * The door is forced open and its reed switch bounces: the contact toggles {@code toggles}
     * times (odd: it ends open) as fast as the line can be written, after a few writes of its
     * current level to warm the path up. Only the final level is reported to the observer.
     *
     * @return how long the toggles took
     */
    public synchronized Duration forceBouncing(int toggles) throws IOException {
        if (toggles % 2 == 0 || doorOpen) {
            throw new IllegalArgumentException("a closed door and an odd number of toggles");
        }
        int line = wiring.contact();
        Level level = wiring.closedLevel();
        for (int i = 0; i < 3; i++) {
            chip.pull(line, level); // no change: no edge
        }
        observer.driving(Input.DOOR_CONTACT, level.opposite());
        long t0 = System.nanoTime();
        for (int i = 0; i < toggles; i++) {
            level = level.opposite();
            chip.pull(line, level);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        doorOpen = true;
        driven.put(Input.DOOR_CONTACT, level);
        observer.driven(Input.DOOR_CONTACT, level);
        return took;
    }

    public synchronized void inject(HalConfig.Fault fault) throws IOException {
        faults.add(fault);
        applyWorld();
    }

    public synchronized void clear(HalConfig.Fault fault) throws IOException {
        faults.remove(fault);
        applyWorld();
    }

    // ---- what a person would see

    public synchronized boolean boltThrown() {
        return boltThrown;
    }

    public synchronized boolean boltMoving() {
        return travelTowardsThrown != null;
    }

    public synchronized boolean doorOpen() {
        return doorOpen;
    }

    public synchronized boolean triggerActive() {
        return triggerActiveSince != null;
    }

    /** The pulse width the servo last got, in µs (0: never driven). */
    public synchronized int lastPulseMicros() {
        return lastPulseMicros;
    }

    /** The bias a program's request put on an input, once learned. */
    public synchronized Optional<Level> bias(Input input) {
        return Optional.ofNullable(bias.get(input));
    }

    public Wiring wiring() {
        return wiring;
    }

    public GpioSimChip chip() {
        return chip;
    }

    /** Stops the physics; the chip's lines keep their last levels. */
    @Override
    public synchronized void close() {
        closed = true;
    }

    /**
     * Lays out a PWM test root like {@code /sys/class/pwm} with one exported channel (the guest has
     * no PWM device): {@code pwmchipN/pwmM/{enable,period,duty_cycle}}.
     *
     * @return the channel's folder
     */
    public static Path pwmTestRoot(Path root, int pwmChip, int channel) throws IOException {
        Path dir =
                Files.createDirectories(root.resolve("pwmchip" + pwmChip).resolve("pwm" + channel));
        for (String f : new String[] {"enable", "period", "duty_cycle"}) {
            Files.writeString(dir.resolve(f), "0");
        }
        return dir;
    }
}
