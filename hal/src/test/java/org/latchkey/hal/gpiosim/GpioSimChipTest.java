package org.latchkey.hal.gpiosim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.hal.Level;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finding a gpio-sim chip through configfs, and its simulated side. */
class GpioSimChipTest {
    @TempDir Path root;

    @Test
    void discover_findsALiveBank_withItsLabelLinesAndNames() throws Exception {
        FakeGpioSim fake = new FakeGpioSim(root, "pinctrl-bcm2711", 28, Map.of(17, "door-contact"));
        List<GpioSimChip> chips = GpioSimChip.discover(fake.configfs, fake.platform);
        assertEquals(1, chips.size());
        GpioSimChip chip = chips.get(0);
        assertEquals("gpiochip1", chip.name());
        assertEquals("pinctrl-bcm2711", chip.label());
        assertEquals(28, chip.lines());
        assertEquals(fake.sim, chip.simDir());
        assertEquals(Optional.of(17), chip.line("door-contact"));
        assertEquals(Optional.empty(), chip.line("bolt-switch"));
    }

    @Test
    void aChipThatIsNotLive_orNotLabelledPinctrl_isNotTaken() throws Exception {
        FakeGpioSim fake = new FakeGpioSim(root, "gpio-sim-other", 8, Map.of());
        assertEquals(1, GpioSimChip.discover(fake.configfs, fake.platform).size());
        NoSuchFileException e =
                assertThrows(
                        NoSuchFileException.class,
                        () -> GpioSimChip.pinctrl(fake.configfs, fake.platform));
        assertTrue(e.getMessage().contains("pinctrl-bcm2711"), e.getMessage());
        Files.writeString(fake.configfs.resolve("latchkey/live"), "0\n");
        assertEquals(List.of(), GpioSimChip.discover(fake.configfs, fake.platform));
        assertEquals(List.of(), GpioSimChip.discover(root.resolve("none"), fake.platform));
    }

    @Test
    void pull_drivesALine_value_readsIt_andLinesOutsideTheChipAreRefused() throws Exception {
        FakeGpioSim fake = new FakeGpioSim(root, "pinctrl-bcm2711", 28, Map.of());
        try (GpioSimChip chip = GpioSimChip.pinctrl(fake.configfs, fake.platform)) {
            chip.pull(17, Level.HIGH);
            assertEquals(Level.HIGH, chip.pull(17));
            chip.pull(17, Level.LOW);
            chip.pull(17, Level.HIGH); // written in place, as sysfs takes it
            assertEquals(Level.HIGH, fake.pull(17));
            fake.value(22, Level.HIGH);
            assertEquals(Level.HIGH, chip.value(22));
            IOException e = assertThrows(IOException.class, () -> chip.pull(28, Level.HIGH));
            assertTrue(e.getMessage().contains("lines 0..27, not 28"), e.getMessage());
        }
    }
}
