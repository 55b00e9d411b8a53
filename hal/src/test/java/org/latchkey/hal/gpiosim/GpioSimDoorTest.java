package org.latchkey.hal.gpiosim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.Level;
import org.latchkey.hal.ManualScheduler;
import org.latchkey.hal.gpiosim.GpioSimDoor.Input;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The physical door behind a (fake) gpio-sim chip, on virtual time. */
class GpioSimDoorTest {
    private static final GpioSimDoor.Physics PHYSICS =
            new GpioSimDoor.Physics(
                    Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofMillis(300));

    @TempDir Path root;

    FakeGpioSim fake;
    GpioSimChip chip;
    Path pwm;
    final ManualScheduler time = new ManualScheduler();
    final List<String> driven = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        fake =
                new FakeGpioSim(
                        root,
                        "pinctrl-bcm2711",
                        28,
                        Map.of(
                                17, "door-contact",
                                27, "bolt-switch",
                                22, "camera-trigger",
                                23, "camera-ready"));
        chip = GpioSimChip.pinctrl(fake.configfs, fake.platform);
        pwm = GpioSimDoor.pwmTestRoot(root.resolve("pwm"), 0, 0);
    }

    private GpioSimDoor door(boolean boltThrown, boolean doorOpen) throws Exception {
        return door(false, boltThrown, doorOpen);
    }

    private GpioSimDoor door(boolean watchRequests, boolean boltThrown, boolean doorOpen)
            throws Exception {
        return new GpioSimDoor(
                chip,
                GpioSimDoor.Wiring.byLineNames(chip),
                new GpioSimDoor.Servo(pwm, 1000, 2000),
                PHYSICS,
                time,
                (input, level) -> driven.add(input + "=" + level),
                watchRequests,
                boltThrown,
                doorOpen);
    }

    private void servo(int pulseMicros) throws Exception {
        Files.writeString(pwm.resolve("duty_cycle"), Long.toString(pulseMicros * 1000L));
        Files.writeString(pwm.resolve("enable"), "1");
    }

    private void servoOff() throws Exception {
        Files.writeString(pwm.resolve("enable"), "0");
    }

    @Test
    void startsByDrivingTheWorld_aClosedDoorAndAThrownBolt() throws Exception {
        door(true, false);
        assertEquals(Level.LOW, fake.pull(17), "closed: the reed switch pulls to ground");
        assertEquals(Level.LOW, fake.pull(27), "thrown: the bolt switch pulls to ground");
        assertEquals(Level.LOW, fake.pull(23), "the camera is not ready");
        assertEquals(List.of("DOOR_CONTACT=LOW", "BOLT_SWITCH=LOW", "CAMERA_READY=LOW"), driven);
    }

    @Test
    void theBoltFollowsTheServo_afterItsTravelTime_andTheSwitchOpensAsItLeaves() throws Exception {
        GpioSimDoor door = door(true, false);
        servo(2000); // the unlocked pulse
        time.advance(Duration.ofMillis(50));
        assertTrue(door.boltMoving());
        assertEquals(Level.HIGH, fake.pull(27), "the switch opens as the bolt leaves");
        assertFalse(door.open(), "a bolt on its way still holds the door");
        time.advance(Duration.ofMillis(300));
        assertFalse(door.boltThrown());
        assertEquals(2000, door.lastPulseMicros());
        assertTrue(door.open());
        assertEquals(Level.HIGH, fake.pull(17), "open: the pull-up reads high");
        door.shut();
        servo(1000);
        time.advance(Duration.ofMillis(200));
        assertEquals(Level.HIGH, fake.pull(27), "not thrown until it arrives");
        time.advance(Duration.ofMillis(200));
        assertTrue(door.boltThrown());
        assertEquals(Level.LOW, fake.pull(27));
    }

    @Test
    void aServoSwitchedOffMidway_leavesTheBoltWhereItWas() throws Exception {
        GpioSimDoor door = door(true, false);
        servo(2000);
        time.advance(Duration.ofMillis(100));
        servoOff();
        time.advance(Duration.ofSeconds(1));
        assertTrue(door.boltThrown());
        assertFalse(door.boltMoving());
        assertEquals(Level.LOW, fake.pull(27));
    }

    @Test
    void aJammedBolt_neverMoves() throws Exception {
        GpioSimDoor door = door(true, false);
        door.inject(HalConfig.Fault.BOLT_JAM);
        servo(2000);
        time.advance(Duration.ofSeconds(2));
        assertTrue(door.boltThrown());
        assertEquals(Level.LOW, fake.pull(27));
        assertFalse(door.open());
    }

    @Test
    void theCamera_isReadyAStartUpAfterItsTrigger_unlessOffline() throws Exception {
        GpioSimDoor door = door(true, false);
        fake.value(22, Level.HIGH);
        time.advance(Duration.ofMillis(250));
        assertEquals(Level.LOW, fake.pull(23));
        time.advance(Duration.ofMillis(150));
        assertEquals(Level.HIGH, fake.pull(23));
        fake.value(22, Level.LOW);
        time.advance(Duration.ofMillis(50));
        assertEquals(Level.LOW, fake.pull(23));
        door.inject(HalConfig.Fault.CAMERA_OFFLINE);
        fake.value(22, Level.HIGH);
        time.advance(Duration.ofSeconds(2));
        assertEquals(Level.LOW, fake.pull(23));
    }

    @Test
    void resync_learnsTheRequestedBias_drivesTheWorldAgain_andACutWireFloatsToIt()
            throws Exception {
        GpioSimDoor door = door(true, false);
        // A program requests the three inputs with a pull-up: gpio-sim puts it on the lines.
        fake.request(17, Level.HIGH);
        fake.request(27, Level.HIGH);
        fake.request(23, Level.HIGH);
        driven.clear();
        door.resync();
        assertEquals(Optional.of(Level.HIGH), door.bias(Input.DOOR_CONTACT));
        assertEquals(Level.LOW, fake.pull(17), "the closed reed switch wins again");
        assertEquals(List.of("DOOR_CONTACT=LOW", "BOLT_SWITCH=LOW", "CAMERA_READY=LOW"), driven);
        door.inject(HalConfig.Fault.CONTACT_CUT);
        assertEquals(Level.HIGH, fake.pull(17), "cut: the pull-up reads high, an open door");
    }

    @Test
    void aCutWire_withoutAPullUp_wouldReadClosed() throws Exception {
        GpioSimDoor door = door(true, false);
        fake.request(17, Level.LOW); // a program that asked for a pull-down
        fake.settle(27, 23);
        door.resync();
        door.inject(HalConfig.Fault.CONTACT_CUT);
        assertEquals(Level.LOW, fake.pull(17));
    }

    @Test
    void watchingRequests_takesTheLinesBackOnTheNextStep() throws Exception {
        door(true, true, false);
        fake.settle(17, 27, 23);
        fake.request(17, Level.HIGH);
        time.advance(Duration.ofMillis(50));
        assertEquals(Level.LOW, fake.pull(17));
    }

    @Test
    void forceBouncing_endsOpen_andReportsOnlyTheFinalLevel() throws Exception {
        GpioSimDoor door = door(true, false);
        driven.clear();
        Duration took = door.forceBouncing(5);
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, took.toString());
        assertTrue(door.doorOpen());
        assertEquals(Level.HIGH, fake.pull(17));
        assertEquals(List.of("DOOR_CONTACT=HIGH"), driven);
    }

    @Test
    void theWiring_comesFromTheChipsLineNames() throws Exception {
        FakeGpioSim other =
                new FakeGpioSim(root.resolve("other"), "pinctrl-x", 28, Map.of(5, "door-contact"));
        GpioSimDoor.Wiring w =
                GpioSimDoor.Wiring.byLineNames(GpioSimChip.pinctrl(other.configfs, other.platform));
        assertEquals(5, w.contact());
        assertEquals(27, w.boltSwitch(), "unnamed: the standard line");
    }
}
