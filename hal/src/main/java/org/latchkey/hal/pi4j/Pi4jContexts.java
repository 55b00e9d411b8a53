package org.latchkey.hal.pi4j;

import com.pi4j.Pi4J;
import com.pi4j.boardinfo.util.BoardInfoHelper;
import com.pi4j.context.Context;
import com.pi4j.context.ContextBuilder;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;

import org.latchkey.hal.HalException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the production Pi4J context: gpiod digital I/O only, no auto-detection, after checking the
 * devices.
 */
public final class Pi4jContexts {
    private Pi4jContexts() {}

    /**
     * @param devRoot {@code /dev} (a parameter so the checks can be tested)
     * @throws HalException with what to fix: no gpiochip, no permission, not a Raspberry Pi
     */
    public static Context gpiod(Path devRoot, Optional<String> chipName) throws HalException {
        checkGpioChips(devRoot, chipName);
        checkBoard();
        ContextBuilder builder =
                Pi4J.newContextBuilder()
                        .noAutoDetect()
                        .add(
                                GpioDDigitalInputProvider.newInstance(),
                                GpioDDigitalOutputProvider.newInstance());
        chipName.ifPresent(builder::setGpioChipName);
        try {
            return builder.build();
        } catch (RuntimeException | LinkageError e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("no 'pinctrl' chip") || m.contains("Couldn't find gpiochip")) {
                throw new HalException(
                        "Pi4J found no GPIO chip to use: "
                                + m
                                + " (without hal.gpio_chip it takes the first chip whose label"
                                + " contains \"pinctrl\"; `gpiodetect` lists the chips)",
                        e);
            }
            throw new HalException(
                    "cannot start Pi4J's gpiod plugin: "
                            + m
                            + " (it needs glibc 2.33+ and a writable, exec-allowed java.io.tmpdir,"
                            + " or -Dpi4j.library.path pointing at libgpiod.so and"
                            + " libpi4j-gpiod.so)",
                    e);
        }
    }

    /**
     * Pi4J 3.0.3's gpiod plugin builds a context on a board it does not know, and only the first
     * line request fails ("No gpio chip yet initialized!"): ask its board detection up front, so an
     * unknown board is an error at open, not at the first pin (found on the real gpiod path).
     */
    public static void checkBoard() throws HalException {
        boolean known;
        try {
            known = BoardInfoHelper.runningOnRaspberryPi();
        } catch (RuntimeException | LinkageError e) {
            throw new HalException("cannot run Pi4J's board detection: " + e.getMessage(), e);
        }
        if (!known) {
            throw new HalException(
                    "board not detected: Pi4J does not recognise this board as a Raspberry Pi (no"
                            + " known 'Revision' in /proc/cpuinfo, no Raspberry Pi name in"
                            + " /proc/device-tree/model), and its gpiod plugin drives no line on an"
                            + " unknown board. latchkey's pi4j driver runs on a Raspberry Pi;"
                            + " elsewhere use driver = \"simulated\"");
        }
    }

    /**
     * libgpiod opens every /dev/gpiochip*: each must exist and be readable and writable for this
     * user.
     */
    static void checkGpioChips(Path devRoot, Optional<String> chipName) throws HalException {
        List<Path> chips = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(devRoot, "gpiochip*")) {
            ds.forEach(chips::add);
        } catch (IOException e) {
            throw new HalException("cannot list " + devRoot + ": " + e.getMessage(), e);
        }
        if (chips.isEmpty()) {
            throw new HalException(
                    "no GPIO chip: "
                            + devRoot
                            + "/gpiochip* does not exist. Is this a Raspberry Pi with"
                            + " a current kernel? Elsewhere use driver = \"simulated\"");
        }
        for (Path chip : chips) {
            if (!Files.isReadable(chip) || !Files.isWritable(chip)) {
                throw new HalException(
                        "no permission to open "
                                + chip
                                + ": add the daemon's user to the gpio group (sudo usermod -aG gpio"
                                + " USER, then log in again) — the latchkey package does this for"
                                + " its own user");
            }
        }
        if (chipName.isPresent()
                && chips.stream()
                        .noneMatch(p -> p.getFileName().toString().equals(chipName.get()))) {
            throw new HalException(
                    "hal.gpio_chip = \""
                            + chipName.get()
                            + "\" but "
                            + devRoot
                            + " has only "
                            + chips.stream()
                                    .map(p -> p.getFileName().toString())
                                    .sorted()
                                    .toList());
        }
    }
}
