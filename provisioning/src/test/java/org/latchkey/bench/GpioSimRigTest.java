package org.latchkey.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.cli.CliContext;
import org.latchkey.cli.LatchkeyCommand;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.DeviceConfigLoader;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.Level;
import org.latchkey.hal.gpiosim.GpioSimChip;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What of the gpio-sim back-end can be checked without a gpio-sim chip: the config it writes, the
 * scenarios it offers, the checks' guard, and the command line's errors. The back-end itself runs
 * in the VM harness (hal/vm/run.sh).
 */
class GpioSimRigTest {
    @TempDir Path dir;

    /** A folder laid out like gpio-sim's configfs, one live chip with two named lines. */
    private GpioSimChip chip() throws Exception {
        Path dev = Files.createDirectories(dir.resolve("config/gpio-sim/latchkey"));
        Files.writeString(dev.resolve("live"), "1\n");
        Files.writeString(dev.resolve("dev_name"), "gpio-sim.0\n");
        Path bank = Files.createDirectories(dev.resolve("bank0"));
        Files.writeString(bank.resolve("chip_name"), "gpiochip1\n");
        Files.writeString(bank.resolve("label"), "pinctrl-bcm2711\n");
        Files.writeString(bank.resolve("num_lines"), "28\n");
        Files.createDirectories(bank.resolve("line5"));
        Files.writeString(bank.resolve("line5/name"), "door-contact\n");
        Files.createDirectories(bank.resolve("line22"));
        Files.writeString(bank.resolve("line22/name"), "camera-trigger\n");
        return GpioSimChip.pinctrl(dir.resolve("config/gpio-sim"), dir.resolve("platform"));
    }

    @Test
    void theBenchConfig_isTheProductionDriver_onTheChip_wiredByItsLineNames() throws Exception {
        Rig rig = Rig.gpioSim(chip());
        Path device = dir.resolve("device");
        new BenchKeys(new SecureRandom()).writeDevice(device, true, rig.halSection(device));
        DeviceConfig config = DeviceConfigLoader.load(device.resolve("latchkey.toml"));
        HalConfig hal = config.hal();
        assertEquals(HalConfig.Driver.PI4J, hal.driver());
        assertEquals(Optional.of("gpiochip1"), hal.gpioChip());
        assertEquals(device.toAbsolutePath().resolve("sys-class-pwm"), hal.pwmRoot());
        assertEquals(5, hal.contact().pin(), "the line named door-contact");
        assertEquals(Level.LOW, hal.contact().closedLevel());
        assertEquals(OptionalInt.of(27), hal.bolt().switchPin(), "unnamed: docs/wiring.md's");
        assertEquals(22, hal.camera().triggerPin());
        assertEquals(OptionalInt.of(23), hal.camera().readyPin());
        assertTrue(config.door().requireCamera());
        var feedback = hal.feedback().outputs();
        assertEquals(
                java.util.Set.of(0, 6, 13),
                java.util.Set.of(
                        feedback.get(org.latchkey.hal.Indicators.Signal.GREEN).pin(),
                        feedback.get(org.latchkey.hal.Indicators.Signal.RED).pin(),
                        feedback.get(org.latchkey.hal.Indicators.Signal.BUZZER).pin()),
                "docs/wiring.md's, but line 5 (the door contact's here) gives way to a free one");
    }

    @Test
    void aChip_goesWithTheGpioSimBackEnd_only() throws Exception {
        GpioSimChip chip = chip();
        assertThrows(
                IllegalArgumentException.class,
                () -> new Rig(BenchDoor.Gpio.MOCK_PI4J, Optional.of(chip)));
        assertThrows(IllegalArgumentException.class, () -> Rig.of(BenchDoor.Gpio.GPIO_SIM));
        assertTrue(Rig.of(BenchDoor.Gpio.SIMULATED).halSection(dir).contains("\"simulated\""));
    }

    @Test
    void gpioSim_playsEveryScenario_andItsOwn() {
        List<Scenarios.Scenario> all = GpioSimScenarios.forBackend(BenchDoor.Gpio.GPIO_SIM);
        assertEquals(Scenarios.ALL.size() + 3, all.size());
        assertTrue(GpioSimScenarios.named("scanner-uinput").orElseThrow().realTime());
        assertTrue(all.containsAll(Scenarios.ALL));
        assertTrue(GpioSimScenarios.named("bouncing-contact").orElseThrow().realTime());
        assertFalse(GpioSimScenarios.named("wire-cut").orElseThrow().realTime());
        assertEquals(Scenarios.ALL, GpioSimScenarios.forBackend(BenchDoor.Gpio.MOCK_PI4J));
    }

    @Test
    void theChecksRefuse_aRealDoor() throws Exception {
        GpioSimChip chip = chip();
        HalConfig d = HalConfig.DEFAULTS;
        assertTrue(
                GpioSimChecks.refusal(d, chip).orElseThrow().contains("/sys/class/pwm"),
                "the real PWM");
        HalConfig testRoot =
                new HalConfig(
                        d.driver(),
                        Optional.empty(),
                        dir,
                        d.contact(),
                        d.bolt(),
                        d.camera(),
                        d.simulated());
        assertEquals(Optional.empty(), GpioSimChecks.refusal(testRoot, chip));
        HalConfig otherChip =
                new HalConfig(
                        d.driver(),
                        Optional.of("gpiochip0"),
                        dir,
                        d.contact(),
                        d.bolt(),
                        d.camera(),
                        d.simulated());
        assertTrue(
                GpioSimChecks.refusal(otherChip, chip).orElseThrow().contains("gpiochip0"),
                "another chip");
        assertTrue(
                GpioSimChecks.refusal(testRoot.withDriver(HalConfig.Driver.SIMULATED), chip)
                        .isPresent());
    }

    private static int bench(StringWriter err, String... args) {
        CommandLine cl = LatchkeyCommand.commandLine(CliContext.system());
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void theGpioSimScenarios_areRefusedOnOtherBackEnds() {
        StringWriter err = new StringWriter();
        assertEquals(2, bench(err, "bench", "--scenario", "bouncing-contact"));
        assertTrue(
                err.toString().contains("no scenario 'bouncing-contact' on the simulated back-end"),
                err.toString());
    }

    @Test
    void gpioSim_withoutAChipOrAPi_saysWhatIsMissing() {
        StringWriter err = new StringWriter();
        assertEquals(1, bench(err, "bench", "--gpio", "gpio-sim"));
        // This machine is no Raspberry Pi (and has no gpio-sim chip labelled pinctrl): one error,
        // before any scenario runs.
        assertTrue(err.toString().startsWith("latchkey: --gpio gpio-sim: "), err.toString());
    }
}
