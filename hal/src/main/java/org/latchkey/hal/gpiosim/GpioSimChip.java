package org.latchkey.hal.gpiosim;

import org.latchkey.hal.Level;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One live bank of Linux's gpio-sim, seen from the simulated side: the other end of the wires that
 * a program reaches through {@code /dev/gpiochipN}. An input is driven by writing {@code pull-up}
 * or {@code pull-down} to {@code sim_gpioN/pull}; what a program drives on an output reads from
 * {@code sim_gpioN/value}. Found through configfs, where the chip was made.
 */
public final class GpioSimChip implements AutoCloseable {
    /** Where gpio-sim's configfs lives once configfs is mounted. */
    public static final Path CONFIGFS = Path.of("/sys/kernel/config/gpio-sim");

    /** Where the kernel puts gpio-sim's platform devices. */
    public static final Path PLATFORM = Path.of("/sys/devices/platform");

    private static final byte[] PULL_UP = "pull-up\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PULL_DOWN = "pull-down\n".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final String label;
    private final int lines;
    private final Path simDir;
    private final Map<Integer, String> lineNames;
    // One open file per driven line: a write is then one pwrite, fast enough for a bounce burst
    // (open, write, close took longer than a debounce time under emulation).
    private final Map<Integer, FileChannel> pulls = new HashMap<>();

    GpioSimChip(String name, String label, int lines, Path simDir, Map<Integer, String> lineNames) {
        this.name = name;
        this.label = label;
        this.lines = lines;
        this.simDir = simDir;
        this.lineNames = Map.copyOf(lineNames);
    }

    /**
     * Every live gpio-sim bank, in configfs order.
     *
     * @param configfs gpio-sim's configfs folder ({@link #CONFIGFS})
     * @param platform the platform devices folder ({@link #PLATFORM})
     */
    public static List<GpioSimChip> discover(Path configfs, Path platform) throws IOException {
        List<GpioSimChip> found = new ArrayList<>();
        if (!Files.isDirectory(configfs)) {
            return found;
        }
        for (Path device : sorted(configfs, "*")) {
            if (!Files.isDirectory(device) || !"1".equals(read(device.resolve("live")))) {
                continue;
            }
            String devName = read(device.resolve("dev_name"));
            for (Path bank : sorted(device, "bank*")) {
                String chipName = read(bank.resolve("chip_name"));
                Map<Integer, String> names = new TreeMap<>();
                for (Path line : sorted(bank, "line*")) {
                    Path nameFile = line.resolve("name");
                    if (Files.exists(nameFile) && !read(nameFile).isEmpty()) {
                        names.put(
                                Integer.parseInt(line.getFileName().toString().substring(4)),
                                read(nameFile));
                    }
                }
                found.add(
                        new GpioSimChip(
                                chipName,
                                read(bank.resolve("label")),
                                Integer.parseInt(read(bank.resolve("num_lines"))),
                                platform.resolve(devName).resolve(chipName),
                                names));
            }
        }
        return found;
    }

    /**
     * The chip Pi4J takes when no chip is configured: the first whose label contains "pinctrl".
     *
     * @throws NoSuchFileException with how to make one, when there is none
     */
    public static GpioSimChip pinctrl(Path configfs, Path platform) throws IOException {
        return discover(configfs, platform).stream()
                .filter(c -> c.label().contains("pinctrl"))
                .findFirst()
                .orElseThrow(
                        () ->
                                new NoSuchFileException(
                                        configfs.toString(),
                                        null,
                                        "no live gpio-sim chip labelled like a Raspberry Pi's"
                                                + " (\"pinctrl-…\"): load gpio-sim, mount configfs,"
                                                + " make one with 28 lines and label"
                                                + " pinctrl-bcm2711 (docs/hardware-truth.md)"));
    }

    private static List<Path> sorted(Path dir, String glob) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
            ds.forEach(out::add);
        }
        out.sort(Comparator.comparing(Path::toString));
        return out;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    /** The chip's device name, e.g. {@code gpiochip1}: what {@code hal.gpio_chip} names. */
    public String name() {
        return name;
    }

    public String label() {
        return label;
    }

    public int lines() {
        return lines;
    }

    /** {@code /sys/devices/platform/gpio-sim.N/gpiochipM}, holding {@code sim_gpioK/}. */
    public Path simDir() {
        return simDir;
    }

    /** The line of this name, if one is named so. */
    public Optional<Integer> line(String lineName) {
        return lineNames.entrySet().stream()
                .filter(e -> e.getValue().equals(lineName))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    public Map<Integer, String> lineNames() {
        return lineNames;
    }

    /** The level a line has: what a program drives on an output, the pull on an input. */
    public Level value(int line) throws IOException {
        String v = read(attribute(line, "value"));
        return switch (v) {
            case "1" -> Level.HIGH;
            case "0" -> Level.LOW;
            default -> throw new IOException(attribute(line, "value") + " reads '" + v + "'");
        };
    }

    /**
     * The simulated pull of a line. A program that requests the line with a bias replaces it:
     * gpio-sim applies a requested pull-up or pull-down as if it came from outside.
     */
    public Level pull(int line) throws IOException {
        String first = read(attribute(line, "pull")).lines().findFirst().orElse("");
        return switch (first) {
            case "pull-up" -> Level.HIGH;
            case "pull-down" -> Level.LOW;
            default -> throw new IOException(attribute(line, "pull") + " reads '" + first + "'");
        };
    }

    /** Drives a line from the outside: HIGH pulls it up, LOW down. */
    public synchronized void pull(int line, Level level) throws IOException {
        FileChannel ch = pulls.get(line);
        if (ch == null) {
            ch = FileChannel.open(attribute(line, "pull"), StandardOpenOption.WRITE);
            pulls.put(line, ch);
        }
        ch.write(ByteBuffer.wrap(level == Level.HIGH ? PULL_UP : PULL_DOWN), 0);
    }

    private Path attribute(int line, String attribute) throws IOException {
        if (line < 0 || line >= lines) {
            throw new IOException(
                    name + " has lines 0.." + (lines - 1) + ", not " + line + " (" + label + ")");
        }
        return simDir.resolve("sim_gpio" + line).resolve(attribute);
    }

    @Override
    public synchronized void close() {
        for (FileChannel ch : pulls.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to save: the kernel keeps the last pull either way
            }
        }
        pulls.clear();
    }

    @Override
    public String toString() {
        return name + " [" + label + "] " + lines + " lines, " + simDir;
    }
}
