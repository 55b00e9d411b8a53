package org.latchkey.bench;

import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.DoorHardwareFactory;
import org.latchkey.hal.DoorState;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HalException;
import org.latchkey.hal.HardwareEvent;
import org.latchkey.hal.HardwareListener;
import org.latchkey.hal.Level;
import org.latchkey.hal.ManualScheduler;
import org.latchkey.hal.Scheduler;
import org.latchkey.hal.gpiosim.GpioSimChip;
import org.latchkey.hal.gpiosim.GpioSimDoor;
import org.latchkey.hal.gpiosim.GpioSimDoor.Input;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The production hardware layer opened exactly as latchkeyd opens it ({@link DoorHardwareFactory}:
 * Pi4J's gpiod providers, no auto-detection, the configured chip) on a Linux gpio-sim chip, with
 * the physical door ({@link GpioSimDoor}) on the chip's other side. Edges are real: they reach the
 * door through the kernel and Pi4J's event thread, a debounce time later.
 *
 * <p>On virtual time each change the model drives onto the contact or the camera's ready line waits
 * (in real time) until the door's program has seen it, so a story stays in step: the event is
 * handled at the virtual moment it happened. The bolt switch changes only while the servo moves the
 * bolt, and the motion's end reads the line itself.
 */
final class GpioSimBackend implements Backend {
    /** The longest an edge may take from the sim's side to the door's program. */
    static final Duration DELIVERY = Duration.ofSeconds(5);

    private static final GpioSimDoor.Physics PHYSICS =
            new GpioSimDoor.Physics(
                    Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofMillis(300));

    /** Where the hardware's events go, and what the model waits for. */
    private static final class Delivery implements HardwareListener, GpioSimDoor.Observer {
        private final HardwareListener door;
        private final HalConfig hal;
        private final boolean virtualTime;
        private final List<HardwareEvent> seen = new ArrayList<>();
        private Phase phase = Phase.SETTING_UP;
        private int mark;

        enum Phase {
            /** The model lays out its world; no program holds the lines yet. */
            SETTING_UP,
            /**
             * The hardware is open and the model drives its world again (gpio-sim let the requests'
             * bias replace it): wait for each change, hand nothing on.
             */
            RESYNC,
            /** The door runs: events go to it. */
            ARMED
        }

        Delivery(HardwareListener door, HalConfig hal, boolean virtualTime) {
            this.door = door;
            this.hal = hal;
            this.virtualTime = virtualTime;
        }

        @Override
        public synchronized void onEvent(HardwareEvent event) {
            seen.add(event);
            if (phase == Phase.ARMED) {
                door.onEvent(event); // under the lock: a waiter wakes only once the door has it
            }
            notifyAll();
        }

        synchronized void phase(Phase p) {
            phase = p;
        }

        synchronized int mark() {
            return seen.size();
        }

        synchronized List<HardwareEvent> since(int from) {
            return List.copyOf(seen.subList(from, seen.size()));
        }

        @Override
        public synchronized void driving(Input input, Level level) {
            mark = seen.size();
        }

        @Override
        public void driven(Input input, Level level) {
            Phase now;
            int from;
            synchronized (this) {
                now = phase;
                from = mark;
            }
            boolean waits =
                    switch (now) {
                        case SETTING_UP -> false;
                        case RESYNC -> true;
                        // In real time the door's loop polls as the clock runs: nothing to keep in
                        // step. Switch changes come with a motion, whose end reads the line.
                        case ARMED -> virtualTime && input != Input.BOLT_SWITCH;
                    };
            if (waits) {
                await(from, expected(input, level), input + " → " + level);
            }
        }

        /** The hardware event a change of an input brings. */
        private Predicate<HardwareEvent> expected(Input input, Level level) {
            return switch (input) {
                case DOOR_CONTACT -> {
                    DoorState s =
                            level == hal.contact().closedLevel()
                                    ? DoorState.CLOSED
                                    : DoorState.OPEN;
                    yield e -> e instanceof HardwareEvent.DoorChanged d && d.state() == s;
                }
                case BOLT_SWITCH -> {
                    BoltPosition p =
                            level == hal.bolt().switchLockedLevel()
                                    ? BoltPosition.LOCKED
                                    : BoltPosition.UNLOCKED;
                    yield e -> e instanceof HardwareEvent.BoltSettled b && b.position() == p;
                }
                case CAMERA_READY -> {
                    boolean ready = level == hal.camera().readyLevel();
                    yield e ->
                            e instanceof HardwareEvent.CameraReadyChanged c && c.ready() == ready;
                }
            };
        }

        synchronized void await(int from, Predicate<HardwareEvent> wanted, String what) {
            long end = System.nanoTime() + DELIVERY.toNanos();
            while (seen.subList(from, seen.size()).stream().noneMatch(wanted)) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(
                            "gpio-sim: the change "
                                    + what
                                    + " did not reach the door within "
                                    + DELIVERY.toSeconds()
                                    + " s (events since: "
                                    + seen.subList(from, seen.size())
                                    + ")");
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + what, e);
                }
            }
        }
    }

    private final GpioSimDoor door;
    private final DoorHardware hardware;
    private final Delivery delivery;
    private final HalConfig hal;

    private GpioSimBackend(
            GpioSimDoor door, DoorHardware hardware, Delivery delivery, HalConfig hal) {
        this.door = door;
        this.hardware = hardware;
        this.delivery = delivery;
        this.hal = hal;
    }

    /**
     * Lays out the world (bolt, door), opens the hardware as latchkeyd does, and drives the world
     * again over what the line requests changed; the door gets events from then on.
     */
    static GpioSimBackend open(
            GpioSimChip chip,
            HalConfig hal,
            Scheduler scheduler,
            HardwareListener listener,
            boolean boltThrown,
            boolean doorOpen)
            throws IOException, HalException {
        Delivery delivery = new Delivery(listener, hal, scheduler instanceof ManualScheduler);
        GpioSimDoor door =
                new GpioSimDoor(
                        chip,
                        GpioSimDoor.Wiring.byLineNames(chip),
                        GpioSimDoor.Servo.of(hal),
                        PHYSICS,
                        scheduler,
                        delivery,
                        false,
                        boltThrown,
                        doorOpen);
        DoorHardware hardware;
        try {
            hardware = DoorHardwareFactory.open(hal, scheduler, delivery);
        } catch (HalException | RuntimeException e) {
            door.close();
            throw e;
        }
        try {
            delivery.phase(Delivery.Phase.RESYNC);
            door.resync();
        } catch (IOException | RuntimeException e) {
            door.close();
            hardware.close();
            throw e;
        }
        delivery.phase(Delivery.Phase.ARMED);
        return new GpioSimBackend(door, hardware, delivery, hal);
    }

    /** The chip the door's lines are on: the scenarios read the outputs back there. */
    org.latchkey.hal.gpiosim.GpioSimChip chip() {
        return door.chip();
    }

    @Override
    public DoorHardware hardware() {
        return hardware;
    }

    @Override
    public void open() {
        io(door::open);
    }

    @Override
    public void shut() {
        io(door::shut);
    }

    @Override
    public void force() {
        io(door::force);
    }

    @Override
    public void inject(HalConfig.Fault fault) {
        io(() -> door.inject(fault));
    }

    @Override
    public boolean boltThrown() {
        return door.boltThrown();
    }

    @Override
    public boolean doorOpen() {
        return door.doorOpen();
    }

    @Override
    public void release() {
        door.close();
        hardware.close();
    }

    /** What one bouncing forced opening did. */
    record Bounce(Duration took, List<HardwareEvent> events) {
        long doorEvents() {
            return events.stream().filter(e -> e instanceof HardwareEvent.DoorChanged).count();
        }
    }

    /**
     * Forces the closed door open with a contact that toggles {@code toggles} times, waits until
     * the opening reached the door, then a quiet time for any further event.
     */
    Bounce forceBouncing(int toggles, Duration quiet) throws InterruptedException {
        int from = delivery.mark();
        Duration took;
        try {
            took = door.forceBouncing(toggles);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.sleep(quiet.toMillis());
        return new Bounce(took, delivery.since(from));
    }

    /** The configured debounce time of the door contact. */
    Duration debounce() {
        return hal.contact().debounce();
    }

    /** The bias the door's line request put on the contact (what a cut wire floats to). */
    Optional<Level> contactBias() {
        return door.bias(Input.DOOR_CONTACT);
    }

    /** A step on the chip's sysfs files. */
    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    /** Runs a sysfs step where no checked exception may leave (a timer, a lambda). */
    static void io(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
