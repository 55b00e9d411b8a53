package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.token.SigningKey;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * hw-test on the simulated driver, on virtual time: unattended, every step, and the failures named.
 */
class HwTestCommandTest {
    @TempDir Path dir;

    final CliRun cli = new CliRun();

    private Path config(String hal) throws Exception {
        Path file = dir.resolve("latchkey.toml");
        Files.writeString(
                file,
                """
                lock_id = "front-door"
                [[issuers]]
                name = "owner"
                public_key = "%s"
                roles = ["owner"]
                max_window = "1d"
                """
                                .formatted(
                                        SigningKey.fromSeed(
                                                        new byte[] {
                                                            9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3,
                                                            4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6,
                                                            7, 8, 9, 0, 1, 2
                                                        })
                                                .publicKey()
                                                .paserk())
                        + hal);
        return file;
    }

    @Test
    void simulated_allStepsPass_unattended() throws Exception {
        cli.terminal = false; // nobody there: the simulation must not ask
        CliRun.Result r =
                cli.run(
                        "hw-test",
                        "--config",
                        config("[hal]\ndriver = \"simulated\"\n").toString());
        assertEquals(0, r.code(), r.out() + r.err());
        for (String step :
                new String[] {
                    "PASS  bolt unlocks", "PASS  door contact", "PASS  bolt locks", "PASS  camera"
                }) {
            assertTrue(r.out().contains(step), r.out());
        }
        assertTrue(
                r.out().contains("all 7 steps passed"),
                "the simulated door has both lights and a buzzer: " + r.out());
    }

    @Test
    void simulated_jammedBolt_exitsNonZero_namingTheStep() throws Exception {
        CliRun.Result r =
                cli.run(
                        "hw-test",
                        "--config",
                        config(
                                        "[hal]\n"
                                                + "driver = \"simulated\"\n"
                                                + "[hal.simulated]\n"
                                                + "faults = [\"bolt-jam\"]\n")
                                .toString());
        assertEquals(ExitCode.FAILED, r.code());
        assertTrue(
                r.out()
                        .contains(
                                "FAIL  bolt unlocks — the bolt did not confirm UNLOCKED (position"
                                        + " UNKNOWN)"),
                r.out());
        assertTrue(r.err().contains("did not pass: bolt unlocks"), r.err());
    }

    @Test
    void simulated_cutContactWire_failsTheDoorStep() throws Exception {
        CliRun.Result r =
                cli.run(
                        "hw-test",
                        "--config",
                        ""
                                + config(
                                        "[hal]\n"
                                                + "driver = \"simulated\"\n"
                                                + "[hal.simulated]\n"
                                                + "faults = [\"contact-cut\"]\n"),
                        "--door-timeout",
                        "5s");
        assertEquals(ExitCode.FAILED, r.code());
        assertTrue(
                r.out().contains("FAIL  door contact — reads OPEN and never closed within 5 s"),
                r.out());
        assertTrue(
                r.out().contains("FAIL  bolt locks — not moved: the door contact reads OPEN"),
                r.out());
    }

    @Test
    void simulated_cameraOffline_failsTheCameraStep() throws Exception {
        CliRun.Result r =
                cli.run(
                        "hw-test",
                        "--config",
                        config(
                                        "[hal]\n"
                                                + "driver = \"simulated\"\n"
                                                + "[hal.simulated]\n"
                                                + "faults = [\"camera-offline\"]\n")
                                .toString());
        assertEquals(ExitCode.FAILED, r.code());
        assertTrue(r.out().contains("FAIL  camera — the camera did not report ready"), r.out());
        assertTrue(r.err().contains("did not pass: camera"), r.err());
    }

    @Test
    void pi4j_offAPi_reportsTheHardwareError() throws Exception {
        CliRun.Result r = cli.run("hw-test", "--yes", "--config", config("").toString());
        assertEquals(ExitCode.FAILED, r.code());
        assertTrue(r.out().startsWith("FAIL  hardware — "), r.out());
        assertTrue(r.err().contains("nothing was tested"), r.err());
    }

    @Test
    void pi4j_withoutYes_asks_andNoMeansNothingMoves() throws Exception {
        cli.confirm = Boolean.FALSE;
        CliRun.Result r = cli.run("hw-test", "--config", config("").toString());
        assertEquals(ExitCode.FAILED, r.code());
        assertTrue(r.err().contains("cancelled: nothing was moved"), r.err());
        cli.terminal = false;
        assertEquals(ExitCode.USAGE, cli.run("hw-test", "--config", config("").toString()).code());
    }

    @Test
    void simulated_lightsAndBuzzer_areReadBack_andALostLineFails_namingTheOutput()
            throws Exception {
        cli.terminal = false;
        CliRun.Result ok =
                cli.run(
                        "hw-test",
                        "--config",
                        config("[hal]\ndriver = \"simulated\"\n").toString());
        for (String step : new String[] {"PASS  green light", "PASS  red light", "PASS  buzzer"}) {
            assertTrue(ok.out().contains(step), ok.out());
        }
        assertTrue(ok.out().contains("[7/7] buzzer"), ok.out());
        CliRun.Result cut =
                cli.run(
                        "hw-test",
                        "--config",
                        config(
                                        "[hal]\ndriver = \"simulated\"\n[hal.simulated]\nfaults ="
                                                + " [\"feedback-fault\"]\n")
                                .toString());
        assertEquals(1, cut.code(), cut.out() + cut.err());
        assertTrue(
                cut.out().contains("FAIL  red light — simulated fault: the red output is cut"),
                cut.out());
        assertTrue(cut.err().contains("green light, red light, buzzer"), cut.err());
    }
}
