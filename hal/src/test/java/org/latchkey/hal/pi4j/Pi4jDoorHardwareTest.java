package org.latchkey.hal.pi4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HalException;
import org.latchkey.hal.HardwareEvent;
import org.latchkey.hal.Indicators;
import org.latchkey.hal.Level;
import org.latchkey.hal.ManualScheduler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** The Pi4J implementation through the real Pi4J classes on Pi4J's mock GPIO providers. */
class Pi4jDoorHardwareTest {
    @TempDir Path sys;

    Context pi4j;
    final ManualScheduler scheduler = new ManualScheduler();
    final List<HardwareEvent> events = new ArrayList<>();
    Path pwm;

    @BeforeEach
    void setUp() throws Exception {
        pi4j =
                Pi4J.newContextBuilder()
                        .noAutoDetect()
                        .add(
                                MockDigitalInputProvider.newInstance(),
                                MockDigitalOutputProvider.newInstance())
                        .build();
        pwm = Files.createDirectories(sys.resolve("pwmchip0/pwm0"));
        for (String f : new String[] {"enable", "period", "duty_cycle"}) {
            Files.writeString(pwm.resolve(f), "0");
        }
    }

    @AfterEach
    void tearDown() {
        if (!pi4j.isShutdown()) {
            pi4j.shutdown();
        }
    }

    private static HalConfig config(
            Level closedLevel,
            OptionalInt boltSwitch,
            HalConfig.CameraMode mode,
            Level cameraActive,
            OptionalInt readyPin) {
        HalConfig d = HalConfig.DEFAULTS;
        return new HalConfig(
                HalConfig.Driver.PI4J,
                Optional.empty(),
                HalConfig.SYS_CLASS_PWM,
                new HalConfig.Contact(17, closedLevel, Duration.ofMillis(10)),
                new HalConfig.Bolt(0, 0, 1000, 2000, Duration.ofMillis(700), boltSwitch, Level.LOW),
                new HalConfig.CameraWiring(
                        22, cameraActive, mode, Duration.ofMillis(200), readyPin, Level.HIGH),
                HalConfig.Simulated.NONE);
    }

    private Pi4jDoorHardware open(HalConfig c) throws HalException {
        return new Pi4jDoorHardware(pi4j, c, sys, d -> {}, scheduler, events::add);
    }

    private MockDigitalInput input(String id) {
        return pi4j.registry().get(id, MockDigitalInput.class);
    }

    private MockDigitalOutput output(String id) {
        return pi4j.registry().get(id, MockDigitalOutput.class);
    }

    private String pwmFile(String name) throws Exception {
        return Files.readString(pwm.resolve(name));
    }

    @Test
    void doorContact_normallyClosedToGround_lowIsClosed_highIsOpen_withNotifications()
            throws Exception {
        Pi4jDoorHardware hw = open(HalConfig.DEFAULTS);
        MockDigitalInput contact = input("door-contact");
        contact.mockState(DigitalState.HIGH);
        assertEquals(DoorState.OPEN, hw.contact().state());
        contact.mockState(DigitalState.LOW);
        assertEquals(DoorState.CLOSED, hw.contact().state());
        contact.mockState(DigitalState.HIGH); // the wire is cut: the pull-up wins
        assertEquals(DoorState.OPEN, hw.contact().state());
        assertEquals(
                List.of(
                        new HardwareEvent.DoorChanged(DoorState.OPEN),
                        new HardwareEvent.DoorChanged(DoorState.CLOSED),
                        new HardwareEvent.DoorChanged(DoorState.OPEN)),
                events);
        assertEquals(com.pi4j.io.gpio.digital.PullResistance.PULL_UP, contact.pull());
    }

    @Test
    void doorContact_initialStateIsRead_undefinedReadsOpen() throws Exception {
        Pi4jDoorHardware hw = open(HalConfig.DEFAULTS);
        // Nothing has driven the mock line yet: whatever it reads that is not the closed level is
        // open.
        DigitalState initial = input("door-contact").state();
        assertEquals(
                initial == DigitalState.LOW ? DoorState.CLOSED : DoorState.OPEN,
                hw.contact().state());
        assertTrue(events.isEmpty(), "no event without a change");
    }

    @Test
    void doorContact_activeHighWiring_isInverted() throws Exception {
        Pi4jDoorHardware hw =
                open(
                        config(
                                Level.HIGH,
                                OptionalInt.empty(),
                                HalConfig.CameraMode.HOLD,
                                Level.HIGH,
                                OptionalInt.empty()));
        input("door-contact").mockState(DigitalState.HIGH);
        assertEquals(DoorState.CLOSED, hw.contact().state());
        input("door-contact").mockState(DigitalState.LOW);
        assertEquals(DoorState.OPEN, hw.contact().state());
    }

    @Test
    void camera_holdMode_activeHigh_holdsWhileRecording_andShutdownLeavesItInactive()
            throws Exception {
        Pi4jDoorHardware hw = open(HalConfig.DEFAULTS);
        MockDigitalOutput trigger = output("camera-trigger");
        assertEquals(DigitalState.LOW, trigger.state());
        hw.camera().startRecording();
        assertEquals(DigitalState.HIGH, trigger.state());
        assertTrue(hw.camera().recording());
        hw.camera().stopRecording();
        assertEquals(DigitalState.LOW, trigger.state());
        hw.camera().startRecording();
        hw.close();
        assertEquals(DigitalState.LOW, trigger.state(), "safe shutdown state: trigger inactive");
        assertTrue(pi4j.isShutdown());
    }

    @Test
    void camera_activeLow_pulseMode_pulsesOnStartAndStop() throws Exception {
        Pi4jDoorHardware hw =
                open(
                        config(
                                Level.LOW,
                                OptionalInt.empty(),
                                HalConfig.CameraMode.PULSE,
                                Level.LOW,
                                OptionalInt.empty()));
        MockDigitalOutput trigger = output("camera-trigger");
        assertEquals(
                DigitalState.HIGH, trigger.state(), "inactive is high for an active-low trigger");
        hw.camera().startRecording();
        assertEquals(DigitalState.LOW, trigger.state());
        scheduler.advance(Duration.ofMillis(199));
        assertEquals(DigitalState.LOW, trigger.state());
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(DigitalState.HIGH, trigger.state());
        hw.camera().stopRecording();
        assertEquals(DigitalState.LOW, trigger.state());
        scheduler.advance(Duration.ofMillis(200));
        assertEquals(DigitalState.HIGH, trigger.state());
        hw.close();
        assertEquals(DigitalState.HIGH, trigger.state());
    }

    @Test
    void camera_readyInput_reportsReadyAndNotifies() throws Exception {
        Pi4jDoorHardware hw =
                open(
                        config(
                                Level.LOW,
                                OptionalInt.empty(),
                                HalConfig.CameraMode.HOLD,
                                Level.HIGH,
                                OptionalInt.of(23)));
        assertTrue(hw.camera().hasReadySignal());
        input("camera-ready").mockState(DigitalState.HIGH);
        assertTrue(hw.camera().ready());
        input("camera-ready").mockState(DigitalState.LOW);
        assertFalse(hw.camera().ready());
        assertEquals(
                List.of(
                        new HardwareEvent.CameraReadyChanged(true),
                        new HardwareEvent.CameraReadyChanged(false)),
                events);
    }

    @Test
    void bolt_withoutSwitch_drivesPulseWidths_thenDisablesPwm_andAssumesArrival() throws Exception {
        Pi4jDoorHardware hw = open(HalConfig.DEFAULTS);
        assertEquals(BoltPosition.UNKNOWN, hw.bolt().position(), "no switch: unknown until driven");
        assertEquals("20000000", pwmFile("period"));
        hw.bolt().unlock();
        assertEquals(BoltPosition.MOVING, hw.bolt().position());
        assertEquals("2000000", pwmFile("duty_cycle"));
        assertEquals("1", pwmFile("enable"));
        scheduler.advance(Duration.ofMillis(700));
        assertEquals("0", pwmFile("enable"));
        assertEquals(BoltPosition.UNLOCKED, hw.bolt().position());
        hw.bolt().lock();
        assertEquals("1000000", pwmFile("duty_cycle"));
        scheduler.advance(Duration.ofMillis(700));
        assertEquals(BoltPosition.LOCKED, hw.bolt().position());
        assertEquals(
                List.of(
                        new HardwareEvent.BoltSettled(BoltPosition.UNLOCKED),
                        new HardwareEvent.BoltSettled(BoltPosition.LOCKED)),
                events);
    }

    @Test
    void bolt_withSwitch_confirmsArrival_orReportsUnknown() throws Exception {
        Pi4jDoorHardware hw =
                open(
                        config(
                                Level.LOW,
                                OptionalInt.of(27),
                                HalConfig.CameraMode.HOLD,
                                Level.HIGH,
                                OptionalInt.empty()));
        MockDigitalInput boltSwitch = input("bolt-switch");
        boltSwitch.mockState(DigitalState.LOW); // thrown
        events.clear();
        hw.bolt().unlock();
        boltSwitch.mockState(DigitalState.HIGH); // the bolt retracts during the motion
        scheduler.advance(Duration.ofMillis(700));
        assertEquals(BoltPosition.UNLOCKED, hw.bolt().position());
        hw.bolt().lock();
        // The bolt jams: the switch never reports it thrown.
        scheduler.advance(Duration.ofMillis(700));
        assertEquals(BoltPosition.UNKNOWN, hw.bolt().position(), "never reported as locked");
        assertEquals(
                List.of(
                        new HardwareEvent.BoltSettled(BoltPosition.UNLOCKED),
                        new HardwareEvent.BoltSettled(BoltPosition.UNKNOWN)),
                events);
        assertEquals("0", pwmFile("enable"));
    }

    @Test
    void bolt_movedByHand_isReported() throws Exception {
        Pi4jDoorHardware hw =
                open(
                        config(
                                Level.LOW,
                                OptionalInt.of(27),
                                HalConfig.CameraMode.HOLD,
                                Level.HIGH,
                                OptionalInt.empty()));
        MockDigitalInput boltSwitch = input("bolt-switch");
        boltSwitch.mockState(DigitalState.LOW);
        boltSwitch.mockState(DigitalState.HIGH);
        assertEquals(BoltPosition.UNLOCKED, hw.bolt().position());
        assertTrue(events.contains(new HardwareEvent.BoltSettled(BoltPosition.UNLOCKED)));
    }

    @Test
    void close_releasesEveryLine() throws Exception {
        Pi4jDoorHardware hw =
                open(
                        config(
                                Level.LOW,
                                OptionalInt.of(27),
                                HalConfig.CameraMode.HOLD,
                                Level.HIGH,
                                OptionalInt.of(23)));
        assertEquals(4, pi4j.registry().all().size());
        hw.bolt().unlock();
        hw.close();
        assertTrue(pi4j.isShutdown());
        assertEquals("0", pwmFile("enable"), "PWM off at shutdown");
    }

    @Test
    void setupFailure_shutsTheContextDown_andSaysWhat() {
        HalException e =
                assertThrows(
                        HalException.class,
                        () ->
                                new Pi4jDoorHardware(
                                        pi4j,
                                        HalConfig.DEFAULTS,
                                        sys.resolve("nothing"),
                                        d -> {},
                                        scheduler,
                                        events::add));
        assertTrue(e.getMessage().contains("dtoverlay"), e.getMessage());
        assertTrue(pi4j.isShutdown(), "no line stays claimed after a failed start");
    }

    @Test
    void aLineThatCannotBeRequested_isNamedByDeviceKeyAndPin() {
        // Something already holds the id Pi4J would register the contact under: Pi4J's own message
        // names only that id.
        pi4j.create(
                com.pi4j.io.gpio.digital.DigitalInput.newConfigBuilder(pi4j)
                        .id("door-contact")
                        .address(5));
        HalException e = assertThrows(HalException.class, () -> open(HalConfig.DEFAULTS));
        assertTrue(
                e.getMessage().startsWith("door contact: cannot use BCM 17 (hal.door.pin"),
                e.getMessage());
        assertTrue(pi4j.isShutdown(), "no line stays claimed after a failed start");
    }

    @Test
    void twoDevicesOnOnePin_areRefusedBeforeAnyLineIsRequested() {
        HalConfig d = HalConfig.DEFAULTS;
        HalConfig clash =
                new HalConfig(
                        d.driver(),
                        d.gpioChip(),
                        d.pwmRoot(),
                        d.contact(),
                        d.bolt(),
                        new HalConfig.CameraWiring(
                                17,
                                Level.HIGH,
                                HalConfig.CameraMode.HOLD,
                                Duration.ofMillis(200),
                                OptionalInt.empty(),
                                Level.HIGH),
                        d.simulated());
        HalException e = assertThrows(HalException.class, () -> open(clash));
        assertEquals(
                "BCM 17 is both hal.door.pin and hal.camera.trigger_pin: every device needs a pin"
                        + " of its own",
                e.getMessage());
        assertTrue(pi4j.registry().all().isEmpty(), "nothing was requested");
    }

    private static HalConfig withFeedback(
            java.util.Map<Indicators.Signal, HalConfig.Output> outputs) {
        HalConfig d = HalConfig.DEFAULTS;
        return new HalConfig(
                d.driver(),
                d.gpioChip(),
                d.pwmRoot(),
                d.contact(),
                d.bolt(),
                d.camera(),
                d.simulated(),
                new HalConfig.Feedback(outputs, Duration.ZERO));
    }

    @Test
    void lightsAndBuzzer_followTheirActiveLevels_startOff_andCloseLeavesThemOff() throws Exception {
        Pi4jDoorHardware hw =
                open(
                        withFeedback(
                                java.util.Map.of(
                                        Indicators.Signal.GREEN,
                                        new HalConfig.Output(5, Level.HIGH, OptionalInt.empty()),
                                        Indicators.Signal.RED,
                                        new HalConfig.Output(6, Level.LOW, OptionalInt.empty()),
                                        Indicators.Signal.BUZZER,
                                        new HalConfig.Output(13, Level.HIGH, OptionalInt.of(26)))));
        assertEquals(java.util.EnumSet.allOf(Indicators.Signal.class), hw.indicators().fitted());
        MockDigitalOutput green = output("feedback-green");
        MockDigitalOutput red = output("feedback-red");
        MockDigitalOutput buzzer = output("feedback-buzzer");
        assertEquals(DigitalState.LOW, green.state(), "off: active high");
        assertEquals(DigitalState.HIGH, red.state(), "off: active low");
        hw.indicators().set(Indicators.Signal.GREEN, true);
        hw.indicators().set(Indicators.Signal.RED, true);
        hw.indicators().set(Indicators.Signal.BUZZER, true);
        assertEquals(DigitalState.HIGH, green.state());
        assertEquals(DigitalState.LOW, red.state());
        assertEquals(DigitalState.HIGH, buzzer.state());
        assertTrue(hw.indicators().isOn(Indicators.Signal.RED));
        assertEquals(
                Optional.empty(), hw.indicators().sensed(Indicators.Signal.GREEN), "no sense pin");
        input("feedback-buzzer-sense").mockState(DigitalState.HIGH);
        assertEquals(Optional.of(true), hw.indicators().sensed(Indicators.Signal.BUZZER));
        input("feedback-buzzer-sense").mockState(DigitalState.LOW);
        assertEquals(
                Optional.of(false),
                hw.indicators().sensed(Indicators.Signal.BUZZER),
                "a cut buzzer line reads back off");
        hw.close();
        assertEquals(DigitalState.LOW, green.state(), "close leaves every output off");
        assertEquals(DigitalState.HIGH, red.state());
        assertEquals(DigitalState.LOW, buzzer.state());
    }

    @Test
    void aFeedbackPinOnAnotherDevicesPin_isRefused() {
        HalException e =
                assertThrows(
                        HalException.class,
                        () ->
                                open(
                                        withFeedback(
                                                java.util.Map.of(
                                                        Indicators.Signal.RED,
                                                        new HalConfig.Output(
                                                                22,
                                                                Level.HIGH,
                                                                OptionalInt.empty())))));
        assertTrue(
                e.getMessage().contains("hal.camera.trigger_pin and hal.feedback.red_pin"),
                e.getMessage());
    }

    @Test
    void noFeedbackConfigured_meansNoneFitted() throws Exception {
        assertEquals(java.util.Set.of(), open(HalConfig.DEFAULTS).indicators().fitted());
    }
}
