package org.latchkey.cli;

import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.DoorState;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HalException;
import org.latchkey.hal.HardwareEvent.BoltSettled;
import org.latchkey.hal.HardwareEvent.CameraReadyChanged;
import org.latchkey.hal.HardwareEvent.DoorChanged;
import org.latchkey.hal.Indicators;
import org.latchkey.hal.sim.SimulatedDoor;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The installer's wiring check, step by step: bolt unlocks, door contact follows the door, bolt
 * locks, camera triggers (and confirms ready where wired). On the simulated driver the simulation
 * plays the door.
 */
final class WiringCheck {
    enum Status {
        PASS,
        FAIL,
        SKIP
    }

    record Step(String name, Status status, String detail) {}

    /** How long the simulated installer takes to open, then close, the door. */
    private static final Duration SIMULATED_HAND = Duration.ofSeconds(1);

    private static final Duration CAMERA_READY_WAIT = Duration.ofSeconds(10);
    private static final Duration BOLT_SLACK = Duration.ofSeconds(2);

    private final HardwareSession session;
    private final DoorHardware hw;
    private final Duration doorTimeout;
    private final Duration boltTimeout;
    private final PrintWriter out;
    private final String reedSwitch;
    private final String boltWiring;
    private final List<Step> steps = new ArrayList<>();
    private final int stepCount;
    private final HalConfig hal;
    private final CliContext.Confirmation person;

    /**
     * @param person asks the installer whether a light or the buzzer is on, for outputs without a
     *     sense pin; answers null where no one can answer
     */
    WiringCheck(
            HardwareSession session,
            Duration doorTimeout,
            HalConfig hal,
            PrintWriter out,
            CliContext.Confirmation person) {
        this.session = session;
        this.hal = hal;
        this.person = person;
        this.stepCount = 4 + session.hardware().indicators().fitted().size();
        this.hw = session.hardware();
        this.doorTimeout = doorTimeout;
        this.boltTimeout = hal.bolt().travelTime().plus(BOLT_SLACK);
        this.out = out;
        // Failures name the pins: a wrong pin number in the config reads like a wiring fault.
        boolean simulated = hal.driver() == HalConfig.Driver.SIMULATED;
        int pin = hal.contact().pin();
        this.reedSwitch =
                simulated
                        ? "the simulated reed switch"
                        : "the reed switch on BCM " + pin + " (hal.door.pin = " + pin + ")";
        this.boltWiring =
                simulated
                        ? ""
                        : " (servo: pwmchip"
                                + hal.bolt().pwmChip()
                                + "/pwm"
                                + hal.bolt().pwmChannel()
                                + hal.bolt().switchPin().stream()
                                        .mapToObj(
                                                p ->
                                                        "; bolt switch: BCM "
                                                                + p
                                                                + " (hal.bolt.switch_pin)")
                                        .findFirst()
                                        .orElse("")
                                + ")";
    }

    List<Step> run() throws InterruptedException {
        Step unlock = moveBolt("bolt unlocks", BoltPosition.UNLOCKED);
        Step door =
                unlock.status() == Status.PASS
                        ? door()
                        : record(
                                new Step(
                                        "door contact",
                                        Status.SKIP,
                                        "needs the bolt unlocked, so the door can open"));
        if (hw.contact().state() == DoorState.OPEN) {
            record(
                    new Step(
                            "bolt locks",
                            Status.FAIL,
                            "not moved: the door contact reads OPEN (a bolt is never thrown into an"
                                    + " open door)"));
        } else {
            moveBolt("bolt locks", BoltPosition.LOCKED);
        }
        camera();
        for (Indicators.Signal signal : Indicators.Signal.values()) {
            if (hw.indicators().fitted().contains(signal)) {
                output(signal);
            }
        }
        return steps;
    }

    private Step moveBolt(String name, BoltPosition target) throws InterruptedException {
        announce(
                name,
                (target == BoltPosition.UNLOCKED ? "unlocking" : "locking")
                        + " the bolt"
                        + (hw.bolt().hasPositionSwitch()
                                ? ", the bolt switch confirms"
                                : " (no bolt switch: watch it move)"));
        if (target == BoltPosition.UNLOCKED) {
            hw.bolt().unlock();
        } else {
            hw.bolt().lock();
        }
        Optional<BoltSettled> settled = session.await(BoltSettled.class, boltTimeout);
        if (settled.isEmpty()) {
            return record(
                    new Step(
                            name,
                            Status.FAIL,
                            "no report from the bolt within " + boltTimeout.toMillis() + " ms"));
        }
        BoltPosition p = settled.get().position();
        if (p != target) {
            return record(
                    new Step(
                            name,
                            Status.FAIL,
                            "the bolt did not confirm "
                                    + target
                                    + " (position "
                                    + p
                                    + "): jammed, or the servo or bolt-switch wiring is wrong"
                                    + boltWiring));
        }
        return record(
                new Step(
                        name,
                        Status.PASS,
                        hw.bolt().hasPositionSwitch()
                                ? "confirmed " + target + " by the bolt switch"
                                : target + " (assumed: no bolt switch fitted)"));
    }

    private Step door() throws InterruptedException {
        String name = "door contact";
        if (hw.contact().state() == DoorState.OPEN
                && !waitForDoor(DoorState.CLOSED, "The door contact reads OPEN: close the door")) {
            return record(
                    new Step(
                            name,
                            Status.FAIL,
                            "reads OPEN and never closed within "
                                    + seconds(doorTimeout)
                                    + ": check "
                                    + reedSwitch
                                    + " and its wiring (a cut wire reads as open)"));
        }
        if (hw instanceof SimulatedDoor sim) {
            session.scheduler().schedule(SIMULATED_HAND, sim::openDoor);
            session.scheduler().schedule(SIMULATED_HAND.multipliedBy(2), sim::closeDoor);
        }
        if (!waitForDoor(DoorState.OPEN, "Open the door")) {
            return record(
                    new Step(
                            name,
                            Status.FAIL,
                            "the door never read OPEN within "
                                    + seconds(doorTimeout)
                                    + ": check the wiring of "
                                    + reedSwitch
                                    + " and hal.door.closed_level"));
        }
        out.println("        door contact reads OPEN");
        if (!waitForDoor(DoorState.CLOSED, "Close the door")) {
            return record(
                    new Step(
                            name,
                            Status.FAIL,
                            "the door never read CLOSED again within "
                                    + seconds(doorTimeout)
                                    + ": is the magnet close enough to "
                                    + reedSwitch
                                    + "?"));
        }
        out.println("        door contact reads CLOSED");
        return record(new Step(name, Status.PASS, "OPEN and CLOSED seen"));
    }

    private boolean waitForDoor(DoorState wanted, String instruction) throws InterruptedException {
        announce("door contact", instruction + " (waiting up to " + seconds(doorTimeout) + ")");
        Duration start = session.scheduler().elapsed();
        while (hw.contact().state() != wanted) {
            Duration left = doorTimeout.minus(session.scheduler().elapsed().minus(start));
            Optional<DoorChanged> e =
                    left.isNegative() || left.isZero()
                            ? Optional.empty()
                            : session.await(DoorChanged.class, left);
            if (e.isEmpty()) {
                return hw.contact().state() == wanted;
            }
        }
        return true;
    }

    private void camera() throws InterruptedException {
        String name = "camera";
        announce(name, "firing the camera trigger");
        hw.camera().startRecording();
        try {
            if (!hw.camera().hasReadySignal()) {
                record(
                        new Step(
                                name,
                                Status.PASS,
                                "trigger fired; no ready input configured: check the recording"
                                        + " yourself"));
                return;
            }
            if (!hw.camera().ready()
                    && session.await(CameraReadyChanged.class, CAMERA_READY_WAIT)
                            .filter(CameraReadyChanged::ready)
                            .isEmpty()
                    && !hw.camera().ready()) {
                record(
                        new Step(
                                name,
                                Status.FAIL,
                                "the camera did not report ready within "
                                        + seconds(CAMERA_READY_WAIT)
                                        + ": check its power, the trigger and ready wiring,"
                                        + " hal.camera levels"));
                return;
            }
            record(new Step(name, Status.PASS, "trigger fired, camera confirmed ready"));
        } finally {
            hw.camera().stopRecording();
        }
    }

    /**
     * A light or the buzzer: read back on its sense pin where one is wired (or simulated), else the
     * installer says whether it came on. Left off either way.
     */
    private void output(Indicators.Signal signal) {
        String name =
                signal == Indicators.Signal.BUZZER ? "buzzer" : signal.configName() + " light";
        HalConfig.Output wiring = hal.feedback().outputs().get(signal);
        String where =
                hal.driver() == HalConfig.Driver.SIMULATED || wiring == null
                        ? ""
                        : " (BCM "
                                + wiring.pin()
                                + ", hal.feedback."
                                + signal.configName()
                                + "_pin)";
        announce(name, "turning it on" + where);
        Indicators outputs = hw.indicators();
        try (Off turnedOff = () -> outputs.set(signal, false)) {
            outputs.set(signal, true);
            java.util.Optional<Boolean> on = outputs.sensed(signal);
            if (on.isPresent()) {
                outputs.set(signal, false);
                java.util.Optional<Boolean> off = outputs.sensed(signal);
                boolean follows = on.get() && !off.orElse(true);
                record(
                        new Step(
                                name,
                                follows ? Status.PASS : Status.FAIL,
                                follows
                                        ? hal.driver() == HalConfig.Driver.SIMULATED
                                                ? "the simulation reads it back on and off"
                                                : "read back on and off on its sense pin"
                                        : "its sense pin read "
                                                + (on.get() ? "on" : "off")
                                                + " while on and "
                                                + (off.orElse(true) ? "on" : "off")
                                                + " while off: check the wiring"
                                                + where
                                                + " and its active level"));
                return;
            }
            Boolean seen =
                    person.ask(
                            signal == Indicators.Signal.BUZZER
                                    ? "Is the buzzer sounding?"
                                    : "Is the " + name + " on?");
            outputs.set(signal, false);
            if (seen == null) {
                record(
                        new Step(
                                name,
                                Status.SKIP,
                                "no sense pin and no one to confirm: run hw-test at the door"
                                        + " without --yes, or wire hal.feedback."
                                        + signal.configName()
                                        + "_sense_pin"));
            } else {
                record(
                        new Step(
                                name,
                                seen ? Status.PASS : Status.FAIL,
                                seen
                                        ? "the installer saw it"
                                        : "the installer did not see it: check the wiring"
                                                + where
                                                + ", the resistor or transistor, and"
                                                + " hal.feedback."
                                                + signal.configName()
                                                + "_active_level"));
            }
        } catch (HalException e) {
            record(new Step(name, Status.FAIL, e.getMessage()));
        }
    }

    /** Turns an output off however its step ends (a sense input that throws included). */
    private interface Off extends AutoCloseable {
        @Override
        void close() throws HalException;
    }

    private void announce(String step, String what) {
        out.printf("[%d/%d] %s: %s…%n", steps.size() + 1, stepCount, step, what);
        out.flush();
    }

    private Step record(Step step) {
        steps.add(step);
        out.printf("      %s  %s — %s%n", step.status(), step.name(), step.detail());
        out.flush();
        return step;
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }
}
