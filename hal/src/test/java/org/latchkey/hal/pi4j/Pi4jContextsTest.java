package org.latchkey.hal.pi4j;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.pi4j.boardinfo.util.BoardInfoHelper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.hal.HalException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The checks that turn a bare Pi4J failure into something an installer can act on. */
class Pi4jContextsTest {
    @TempDir Path dev;

    @Test
    void noGpioChip_saysSoAndPointsToTheSimulation() {
        HalException e =
                assertThrows(
                        HalException.class,
                        () -> Pi4jContexts.checkGpioChips(dev, Optional.empty()));
        assertTrue(
                e.getMessage().contains("no GPIO chip") && e.getMessage().contains("simulated"),
                e.getMessage());
    }

    @Test
    void namedChipMissing_listsWhatExists() throws Exception {
        Files.createFile(dev.resolve("gpiochip0"));
        Files.createFile(dev.resolve("gpiochip4"));
        HalException e =
                assertThrows(
                        HalException.class,
                        () -> Pi4jContexts.checkGpioChips(dev, Optional.of("gpiochip9")));
        assertTrue(e.getMessage().contains("[gpiochip0, gpiochip4]"), e.getMessage());
        Pi4jContexts.checkGpioChips(dev, Optional.of("gpiochip4"));
        Pi4jContexts.checkGpioChips(dev, Optional.empty());
    }

    @Test
    void offAPi_theGpiodContextFailsWithAClearMessage() {
        // This machine is no Raspberry Pi: either the device check or Pi4J's board detection must
        // say so.
        HalException e =
                assertThrows(HalException.class, () -> Pi4jContexts.gpiod(dev, Optional.empty()));
        assertTrue(e.getMessage().contains("simulated"), e.getMessage());
    }

    @Test
    void unknownBoard_isAnErrorAtOpen_notAtTheFirstPin() throws Exception {
        assumeFalse(
                BoardInfoHelper.runningOnRaspberryPi(), "this test needs a machine that is no Pi");
        // A chip device the checks accept: what is left is Pi4J's board detection, which on its
        // own lets the context build and fails only at the first line request.
        Files.createFile(dev.resolve("gpiochip0"));
        HalException e =
                assertThrows(HalException.class, () -> Pi4jContexts.gpiod(dev, Optional.empty()));
        assertTrue(e.getMessage().startsWith("board not detected"), e.getMessage());
        assertTrue(e.getMessage().contains("driver = \"simulated\""), e.getMessage());
    }
}
