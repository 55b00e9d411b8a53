package org.latchkey.hal.gpiosim;

import org.latchkey.hal.Level;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A folder laid out like gpio-sim's configfs and sysfs, with a stand-in for the kernel's side: an
 * input's value follows its pull when asked, a program's request puts its bias on a line.
 */
final class FakeGpioSim {
    final Path configfs;
    final Path platform;
    final Path sim;

    FakeGpioSim(Path root, String label, int lines, Map<Integer, String> names) throws IOException {
        configfs = Files.createDirectories(root.resolve("config/gpio-sim"));
        platform = Files.createDirectories(root.resolve("devices/platform"));
        Path dev = Files.createDirectories(configfs.resolve("latchkey"));
        Files.writeString(dev.resolve("live"), "1\n");
        Files.writeString(dev.resolve("dev_name"), "gpio-sim.0\n");
        Path bank = Files.createDirectories(dev.resolve("bank0"));
        Files.writeString(bank.resolve("chip_name"), "gpiochip1\n");
        Files.writeString(bank.resolve("label"), label + "\n");
        Files.writeString(bank.resolve("num_lines"), lines + "\n");
        for (Map.Entry<Integer, String> e : names.entrySet()) {
            Path line = Files.createDirectories(bank.resolve("line" + e.getKey()));
            Files.writeString(line.resolve("name"), e.getValue() + "\n");
        }
        sim = Files.createDirectories(platform.resolve("gpio-sim.0/gpiochip1"));
        for (int i = 0; i < lines; i++) {
            Path d = Files.createDirectories(sim.resolve("sim_gpio" + i));
            Files.writeString(d.resolve("pull"), "pull-down\n");
            Files.writeString(d.resolve("value"), "0\n");
        }
    }

    /** The pull as the kernel would parse it: the model writes at offset 0, so the first line. */
    Level pull(int line) throws IOException {
        return Files.readAllLines(sim.resolve("sim_gpio" + line + "/pull")).get(0).equals("pull-up")
                ? Level.HIGH
                : Level.LOW;
    }

    /** An input's value follows its pull, as gpio-sim's does. */
    void settle(int... inputs) throws IOException {
        for (int line : inputs) {
            value(line, pull(line));
        }
    }

    /** What a program drives on an output. */
    void value(int line, Level level) throws IOException {
        Files.writeString(
                sim.resolve("sim_gpio" + line + "/value"), level == Level.HIGH ? "1\n" : "0\n");
    }

    /** A program requests a line with a bias: gpio-sim applies it as the line's pull. */
    void request(int line, Level bias) throws IOException {
        Files.writeString(
                sim.resolve("sim_gpio" + line + "/pull"),
                bias == Level.HIGH ? "pull-up\n" : "pull-down\n");
        value(line, bias);
    }
}
