package org.latchkey.hal.sim;

import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.Camera;
import org.latchkey.hal.Deadbolt;
import org.latchkey.hal.DoorContact;
import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.DoorState;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HalConfig.Fault;
import org.latchkey.hal.HalException;
import org.latchkey.hal.HardwareEvent;
import org.latchkey.hal.HardwareListener;
import org.latchkey.hal.Indicators;
import org.latchkey.hal.Scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * A door in memory: a servo that takes its travel time, a bolt-position switch, a door that can be
 * opened and closed, and a camera whose ready signal follows recording after a short start-up.
 * Faults can be injected: a jammed bolt stays where it was (the switch shows it), a cut contact
 * wire reads open, an offline camera never becomes ready.
 */
public final class SimulatedDoor implements DoorHardware {
    /** How long the simulated camera takes to confirm it is recording. */
    public static final Duration CAMERA_START_UP = Duration.ofMillis(300);

    private final Scheduler scheduler;
    private final HardwareListener listener;
    private final Duration travelTime;
    private Optional<Path> stateFile = Optional.empty();
    private final Set<Fault> faults = EnumSet.noneOf(Fault.class);

    // The physical truth of the simulation, guarded by 'this'.
    private boolean boltThrown = true;
    private boolean doorOpen;
    private boolean recording;
    private boolean cameraReady;
    private BoltPosition reported = BoltPosition.LOCKED;
    private Scheduler.Cancellable motion;
    private Scheduler.Cancellable cameraStart;

    private final Deadbolt bolt = new SimBolt();
    private final DoorContact contact = this::doorState;
    private final Camera camera = new SimCamera();
    private final SimIndicators indicators = new SimIndicators();

    public SimulatedDoor(
            Scheduler scheduler,
            HardwareListener listener,
            Duration travelTime,
            Set<Fault> initialFaults) {
        this(scheduler, listener, travelTime, initialFaults, true, false);
    }

    /**
     * The simulated door of a config: with a state file, it is found as the last run left it (the
     * door, the bolt) and every physical change is written there, so a daemon killed mid-motion
     * restarts in front of the same door.
     */
    public static SimulatedDoor open(
            Scheduler scheduler,
            HardwareListener listener,
            Duration travelTime,
            HalConfig.Simulated config) {
        boolean thrown = true;
        boolean open = false;
        if (config.stateFile().isPresent()) {
            try {
                String text = Files.readString(config.stateFile().get(), StandardCharsets.US_ASCII);
                thrown = !text.contains("bolt=retracted");
                open = text.contains("door=open");
            } catch (NoSuchFileException e) {
                // a new door: closed and locked
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "simulated door state " + config.stateFile().get(), e);
            }
        }
        SimulatedDoor door =
                new SimulatedDoor(scheduler, listener, travelTime, config.faults(), thrown, open);
        door.stateFile = config.stateFile();
        door.saveState();
        return door;
    }

    /**
     * Writes the physical state where the next run finds it (atomically: a kill never leaves half
     * of it).
     */
    private synchronized void saveState() {
        if (stateFile.isEmpty()) {
            return;
        }
        Path file = stateFile.get();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(
                    tmp,
                    "bolt="
                            + (boltThrown ? "thrown" : "retracted")
                            + " door="
                            + (doorOpen ? "open" : "closed")
                            + "\n",
                    StandardCharsets.US_ASCII);
            Files.move(
                    tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("simulated door state " + file, e);
        }
    }

    /** A door found as it was left: for a restart after a power cut, say. */
    public SimulatedDoor(
            Scheduler scheduler,
            HardwareListener listener,
            Duration travelTime,
            Set<Fault> initialFaults,
            boolean boltThrown,
            boolean doorOpen) {
        this.scheduler = scheduler;
        this.listener = listener;
        this.travelTime = travelTime;
        this.faults.addAll(initialFaults);
        this.boltThrown = boltThrown;
        this.doorOpen = doorOpen;
        this.reported = boltThrown ? BoltPosition.LOCKED : BoltPosition.UNLOCKED;
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

    /** A green and a red light and a buzzer, all fitted, each read back truthfully. */
    @Override
    public Indicators indicators() {
        return indicators;
    }

    @Override
    public String description() {
        return "simulated" + (faults.isEmpty() ? "" : " (faults: " + faults + ")");
    }

    /**
     * A person pulls the door open. A thrown bolt holds it shut: then nothing happens and this
     * returns false.
     */
    public boolean openDoor() {
        synchronized (this) {
            if (boltThrown) {
                return false;
            }
        }
        setDoor(true);
        return true;
    }

    public void closeDoor() {
        setDoor(false);
    }

    /** Someone forces the door open, bolt or not. */
    public void forceOpen() {
        setDoor(true);
    }

    public synchronized boolean doorPhysicallyOpen() {
        return doorOpen;
    }

    public synchronized boolean boltPhysicallyThrown() {
        return boltThrown;
    }

    public synchronized Set<Fault> faults() {
        return Set.copyOf(faults);
    }

    public void inject(Fault fault) {
        DoorState before;
        DoorState after;
        boolean readyLost;
        synchronized (this) {
            before = doorState();
            faults.add(fault);
            after = doorState();
            readyLost = fault == Fault.CAMERA_OFFLINE && cameraReady;
            if (readyLost) {
                cameraReady = false;
            }
        }
        if (before != after) {
            listener.onEvent(new HardwareEvent.DoorChanged(after));
        }
        if (readyLost) {
            listener.onEvent(new HardwareEvent.CameraReadyChanged(false));
        }
    }

    /** Clears every fault. A bolt that jammed stays where it stopped until it is driven again. */
    public void clearFaults() {
        DoorState before;
        DoorState after;
        boolean restartCamera;
        synchronized (this) {
            before = doorState();
            restartCamera = faults.contains(Fault.CAMERA_OFFLINE) && recording;
            faults.clear();
            after = doorState();
        }
        if (before != after) {
            listener.onEvent(new HardwareEvent.DoorChanged(after));
        }
        if (restartCamera) {
            scheduleCameraReady();
        }
    }

    @Override
    public synchronized void close() {
        if (motion != null) {
            motion.cancel();
        }
        if (cameraStart != null) {
            cameraStart.cancel();
        }
        recording = false;
        cameraReady = false;
        indicators.levels.clear();
    }

    private synchronized DoorState doorState() {
        return doorOpen || faults.contains(Fault.CONTACT_CUT) ? DoorState.OPEN : DoorState.CLOSED;
    }

    private void setDoor(boolean open) {
        DoorState before;
        DoorState after;
        synchronized (this) {
            before = doorState();
            doorOpen = open;
            after = doorState();
            saveState();
        }
        if (before != after) {
            listener.onEvent(new HardwareEvent.DoorChanged(after));
        }
    }

    private void scheduleCameraReady() {
        synchronized (this) {
            if (cameraStart != null) {
                cameraStart.cancel();
            }
            cameraStart =
                    scheduler.schedule(
                            CAMERA_START_UP,
                            () -> {
                                boolean changed;
                                synchronized (SimulatedDoor.this) {
                                    changed =
                                            recording
                                                    && !cameraReady
                                                    && !faults.contains(Fault.CAMERA_OFFLINE);
                                    if (changed) {
                                        cameraReady = true;
                                    }
                                }
                                if (changed) {
                                    listener.onEvent(new HardwareEvent.CameraReadyChanged(true));
                                }
                            });
        }
    }

    private final class SimBolt implements Deadbolt {
        @Override
        public void lock() {
            drive(true);
        }

        @Override
        public void unlock() {
            drive(false);
        }

        private void drive(boolean throwBolt) {
            synchronized (SimulatedDoor.this) {
                if (motion != null) {
                    motion.cancel();
                }
                reported = BoltPosition.MOVING;
                motion = scheduler.schedule(travelTime, () -> settle(throwBolt));
            }
        }

        private void settle(boolean throwBolt) {
            BoltPosition position;
            synchronized (SimulatedDoor.this) {
                if (!faults.contains(Fault.BOLT_JAM)) {
                    boltThrown = throwBolt;
                    saveState();
                }
                // The bolt switch tells whether the bolt arrived.
                position =
                        boltThrown == throwBolt
                                ? (throwBolt ? BoltPosition.LOCKED : BoltPosition.UNLOCKED)
                                : BoltPosition.UNKNOWN;
                reported = position;
                motion = null;
            }
            listener.onEvent(new HardwareEvent.BoltSettled(position));
        }

        @Override
        public BoltPosition position() {
            synchronized (SimulatedDoor.this) {
                return reported;
            }
        }

        @Override
        public boolean hasPositionSwitch() {
            return true;
        }
    }

    private final class SimIndicators implements Indicators {
        private final Set<Signal> levels = EnumSet.noneOf(Signal.class);

        @Override
        public Set<Signal> fitted() {
            return EnumSet.allOf(Signal.class);
        }

        @Override
        public void set(Signal signal, boolean on) throws HalException {
            synchronized (SimulatedDoor.this) {
                if (faults.contains(Fault.FEEDBACK_FAULT)) {
                    throw new HalException(
                            "simulated fault: the " + signal.configName() + " output is cut");
                }
                if (on) {
                    levels.add(signal);
                } else {
                    levels.remove(signal);
                }
            }
            feedbackWatch.accept(signal, on);
        }

        @Override
        public boolean isOn(Signal signal) {
            synchronized (SimulatedDoor.this) {
                return levels.contains(signal);
            }
        }

        @Override
        public java.util.Optional<Boolean> sensed(Signal signal) {
            return java.util.Optional.of(isOn(signal));
        }
    }

    /** Called after every light or buzzer change: the bench shows them on its timeline. */
    public void watchFeedback(java.util.function.BiConsumer<Indicators.Signal, Boolean> watch) {
        this.feedbackWatch = watch;
    }

    private volatile java.util.function.BiConsumer<Indicators.Signal, Boolean> feedbackWatch =
            (s, on) -> {};

    private final class SimCamera implements Camera {
        @Override
        public void startRecording() {
            synchronized (SimulatedDoor.this) {
                if (recording) {
                    return;
                }
                recording = true;
            }
            scheduleCameraReady();
        }

        @Override
        public void stopRecording() {
            boolean wasReady;
            synchronized (SimulatedDoor.this) {
                if (!recording) {
                    return;
                }
                recording = false;
                wasReady = cameraReady;
                cameraReady = false;
                if (cameraStart != null) {
                    cameraStart.cancel();
                }
            }
            if (wasReady) {
                listener.onEvent(new HardwareEvent.CameraReadyChanged(false));
            }
        }

        @Override
        public boolean recording() {
            synchronized (SimulatedDoor.this) {
                return recording;
            }
        }

        @Override
        public boolean hasReadySignal() {
            return true;
        }

        @Override
        public boolean ready() {
            synchronized (SimulatedDoor.this) {
                return cameraReady;
            }
        }
    }
}
