package org.latchkey.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.pi4j.io.gpio.digital.DigitalState;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.latchkey.hal.Camera;
import org.latchkey.hal.Deadbolt;
import org.latchkey.hal.DoorHardware;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every bench scenario, on both back-ends, with its outcome, its hardware commands and its audit
 * records.
 */
class BenchScenariosTest {
    @TempDir Path dir;

    private static Bench.Result run(Bench bench, String name) throws Exception {
        return bench.run(Scenarios.named(name).orElseThrow());
    }

    /** The back-ends every machine has; gpio-sim runs in the VM harness (hal/vm/run.sh). */
    @ParameterizedTest
    @EnumSource(
            value = BenchDoor.Gpio.class,
            names = {"SIMULATED", "MOCK_PI4J"})
    void everyScenarioPasses(BenchDoor.Gpio gpio) throws Exception {
        Bench bench = new Bench(gpio, false, new SecureRandom());
        List<String> failed = new ArrayList<>();
        for (Scenarios.Scenario s : Scenarios.ALL) {
            Bench.Result r = bench.run(s);
            if (!r.passed()) {
                failed.add(s.name() + ": " + r.diverged().orElse(""));
            }
            assertTrue(r.audit().get(0).contains("\"type\":\"genesis\""), s.name());
        }
        assertEquals(List.of(), failed);
        assertEquals(15, Scenarios.ALL.size());
    }

    @ParameterizedTest
    @EnumSource(
            value = BenchDoor.Gpio.class,
            names = {"SIMULATED", "MOCK_PI4J"})
    void auditRecords_tellEachStory(BenchDoor.Gpio gpio) throws Exception {
        Bench bench = new Bench(gpio, false, new SecureRandom());
        assertTrue(audit(run(bench, "delivery")).contains("\"type\":\"granted\""));
        String replay = audit(run(bench, "replay"));
        assertTrue(replay.contains("\"reason\":\"ALREADY_USED\""), replay);
        assertTrue(audit(run(bench, "forced-entry")).contains("\"alarm\":\"DOOR_FORCED_OPEN\""));
        assertTrue(
                audit(run(bench, "left-open"))
                        .contains("\"type\":\"alarm_cleared\",\"alarm\":\"DOOR_AJAR\""));
        assertTrue(audit(run(bench, "jam")).contains("\"alarm\":\"LOCK_JAMMED\""));
        assertTrue(audit(run(bench, "camera-offline")).contains("\"reason\":\"CAMERA_NOT_READY\""));
        assertTrue(audit(run(bench, "clock-untrusted")).contains("\"reason\":\"CLOCK_UNTRUSTED\""));
        String outside = audit(run(bench, "outside-hours"));
        assertTrue(outside.contains("\"reason\":\"OUTSIDE_HOURS\""), outside);
        assertFalse(audit(run(bench, "power-cut")).isEmpty());
    }

    @Test
    void eachVisit_endsInOneSignedReceipt_thatSaysHowItEnded() throws Exception {
        Bench bench = new Bench(BenchDoor.Gpio.SIMULATED, false, new SecureRandom());
        Map<String, String> ended =
                Map.of(
                        "delivery", "relocked",
                        "never-opened", "not_opened",
                        "power-cut", "interrupted",
                        "left-open", "relocked");
        for (var e : ended.entrySet()) {
            Bench.Result r = run(bench, e.getKey());
            assertEquals(1, r.receipts().size(), e.getKey());
            assertEquals(e.getValue(), r.receipts().get(0).ended(), e.getKey());
        }
        Bench.Result leftOpen = run(bench, "left-open");
        assertEquals(List.of("DOOR_AJAR"), leftOpen.receipts().get(0).alarms());
        for (String refused : List.of("replay", "expired", "wrong-lock", "tampered")) {
            Bench.Result r = run(bench, refused);
            long grants =
                    r.audit().stream().filter(l -> l.contains("\"type\":\"granted\"")).count();
            assertEquals(grants, r.receipts().size(), refused + ": a refusal gets no receipt");
        }
        StringWriter text = new StringWriter();
        Timeline.print(run(bench, "delivery"), new PrintWriter(text));
        assertTrue(
                text.toString().contains("receipt 1: order 1 (delivery, once) ended relocked"),
                text.toString());
    }

    private static String audit(Bench.Result r) {
        return String.join("\n", r.audit());
    }

    /** Mockito at the HAL boundary: the simulated door's bolt and camera, seen through spies. */
    private static final class Spies {
        final List<Deadbolt> bolts = new ArrayList<>();
        final List<Camera> cameras = new ArrayList<>();

        DoorHardware wrap(DoorHardware real) {
            DoorHardware hw = mock(DoorHardware.class, delegatesTo(real));
            Deadbolt bolt = mock(Deadbolt.class, delegatesTo(real.bolt()));
            Camera camera = mock(Camera.class, delegatesTo(real.camera()));
            when(hw.bolt()).thenReturn(bolt);
            when(hw.camera()).thenReturn(camera);
            bolts.add(bolt);
            cameras.add(camera);
            return hw;
        }
    }

    @Test
    void simulated_hardwareCommands_matchEachStory() throws Exception {
        Spies delivery = new Spies();
        assertTrue(
                run(
                                new Bench(
                                        BenchDoor.Gpio.SIMULATED,
                                        false,
                                        new SecureRandom(),
                                        delivery::wrap),
                                "delivery")
                        .passed());
        verify(delivery.bolts.get(0), times(1)).unlock();
        verify(delivery.bolts.get(0), times(2)).lock(); // start-up and the relock
        verify(delivery.cameras.get(0)).startRecording();
        verify(delivery.cameras.get(0)).stopRecording();

        for (String refusal :
                List.of("expired", "wrong-lock", "tampered", "unknown-issuer", "outside-hours")) {
            Spies s = new Spies();
            assertTrue(
                    run(
                                    new Bench(
                                            BenchDoor.Gpio.SIMULATED,
                                            false,
                                            new SecureRandom(),
                                            s::wrap),
                                    refusal)
                            .passed());
            verify(s.bolts.get(0), never()).unlock();
            verify(s.cameras.get(0), never()).startRecording();
        }

        Spies camera = new Spies();
        assertTrue(
                run(
                                new Bench(
                                        BenchDoor.Gpio.SIMULATED,
                                        false,
                                        new SecureRandom(),
                                        camera::wrap),
                                "camera-offline")
                        .passed());
        verify(camera.bolts.get(0), never()).unlock();

        Spies jam = new Spies();
        assertTrue(
                run(
                                new Bench(
                                        BenchDoor.Gpio.SIMULATED,
                                        false,
                                        new SecureRandom(),
                                        jam::wrap),
                                "jam")
                        .passed());
        verify(jam.bolts.get(0), times(1 + 3))
                .lock(); // start-up, then the relock and its two retries

        Spies cut = new Spies();
        assertTrue(
                run(
                                new Bench(
                                        BenchDoor.Gpio.SIMULATED,
                                        false,
                                        new SecureRandom(),
                                        cut::wrap),
                                "power-cut")
                        .passed());
        assertEquals(2, cut.bolts.size(), "a second controller after the restart");
        verify(cut.bolts.get(0), times(1)).unlock();
        verify(cut.bolts.get(1), atLeast(1)).lock();
        verify(cut.bolts.get(1), never()).unlock();
    }

    @Test
    void mockPi4j_outputStates_followTheDelivery() throws Exception {
        BenchKeys keys = new BenchKeys(new SecureRandom());
        keys.writeDevice(dir, false);
        Files.createFile(dir.resolve("timesync-synchronized"));
        BenchDoor door =
                new BenchDoor(
                        dir,
                        BenchDoor.Gpio.MOCK_PI4J,
                        false,
                        BenchKeys.WEDNESDAY_10AM,
                        Optional.empty(),
                        BenchDoor.newTimeline(),
                        Duration.ZERO);
        MockPi4jBackend pi = (MockPi4jBackend) door.backend();
        assertEquals(DigitalState.LOW, pi.triggerState());
        assertFalse(pi.pwmEnabled(), "the servo is not driven at rest");
        assertTrue(door.present(keys.courierOnce(BenchKeys.WEDNESDAY_10AM)).granted());
        assertEquals(DigitalState.HIGH, pi.triggerState(), "camera trigger held while recording");
        assertTrue(pi.pwmEnabled(), "the servo is driven during its travel");
        door.advance(Duration.ofSeconds(1));
        assertFalse(pi.pwmEnabled(), "and switched off once the bolt has moved");
        assertFalse(pi.boltThrown());
        door.open();
        door.shut();
        door.advance(Duration.ofSeconds(15));
        assertTrue(pi.boltThrown());
        assertEquals("LOCKED", door.model().stateName());
        assertEquals(DigitalState.LOW, pi.triggerState(), "camera off after the post-roll");
        door.stop();
    }

    @Test
    void benchHelp_namesEveryScenario_onLinesThatDoNotWrap() {
        String footer =
                String.join(
                        "\n",
                        BenchCommand.class
                                .getAnnotation(picocli.CommandLine.Command.class)
                                .footer());
        for (Scenarios.Scenario s : Scenarios.ALL) {
            assertTrue(
                    java.util.regex.Pattern.compile("\\b" + s.name() + "\\b")
                            .matcher(footer)
                            .find(),
                    s.name() + " missing from bench --help");
        }
        footer.lines().forEach(l -> assertTrue(l.length() <= 79, "wraps at 80 columns: " + l));
    }

    @Test
    void brokenExpectation_failsTheScenario_namingTheStep() throws Exception {
        Scenarios.Scenario wrong =
                new Scenarios.Scenario(
                        "wrong",
                        "expects the door to open without a token",
                        Scenarios.Setup.NORMAL,
                        BenchKeys.WEDNESDAY_10AM,
                        r -> {
                            r.door().advance(Duration.ofSeconds(1));
                            if (!r.door().model().stateName().equals("UNLOCKED")) {
                                throw new Scenarios.Diverged(
                                        "the door unlocks by itself",
                                        "the state is " + r.door().model().stateName());
                            }
                        });
        Bench.Result r = new Bench(BenchDoor.Gpio.SIMULATED, false, new SecureRandom()).run(wrong);
        assertFalse(r.passed());
        assertEquals(
                "the door unlocks by itself — but the state is LOCKED", r.diverged().orElseThrow());
    }
}
