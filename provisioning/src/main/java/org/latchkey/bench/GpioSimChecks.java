package org.latchkey.bench;

import com.pi4j.boardinfo.util.BoardInfoHelper;

import org.latchkey.cli.CliContext;
import org.latchkey.cli.LatchkeyCommand;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.DeviceConfigLoader;
import org.latchkey.hal.DoorHardwareFactory;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HalException;
import org.latchkey.hal.RealScheduler;
import org.latchkey.hal.gpiosim.GpioSimChip;
import org.latchkey.hal.gpiosim.GpioSimDoor;

import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hardware-truth checks (docs/hardware-truth.md) in one JVM, on a machine with a gpio-sim chip
 * labelled like a Raspberry Pi's, Pi4J's natives and a Raspberry Pi identity for Pi4J's board
 * check: the VM harness (hal/vm/run.sh) runs it in its arm64 guest. It plays the physical door on
 * the chip's other side and runs latchkey's own commands, in this JVM, against it:
 *
 * <ul>
 *   <li>{@code latchkey hw-test --yes} with the given config: every step PASS; with the door's bolt
 *       jammed, the bolt step FAILs naming the bolt; with the contact's line held by another
 *       process (Debian's gpiomon), a clear error naming the pin — also on latchkeyd's path;
 *   <li>{@code latchkey bench --gpio gpio-sim}: every scenario, and the gpio-sim ones.
 * </ul>
 *
 * Prints {@code LATCHKEY-RESULT <check> PASS|FAIL|INFO <detail>} and {@code LATCHKEY-TIME <check>
 * <seconds>} lines; exits 0 only if nothing failed.
 */
public final class GpioSimChecks {
    private static final Duration DOOR_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration HAND = Duration.ofMillis(300);
    private static final GpioSimDoor.Physics PHYSICS =
            new GpioSimDoor.Physics(
                    Duration.ofMillis(10), Duration.ofMillis(300), Duration.ofMillis(300));
    private static final String HOLDER = "latchkey-holder";

    private final Path config;
    private final DeviceConfig device;
    private final GpioSimChip chip;
    private final Path out;
    private int failed;

    private GpioSimChecks(Path config, DeviceConfig device, GpioSimChip chip, Path out) {
        this.config = config;
        this.device = device;
        this.chip = chip;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !args[0].equals("--config") || !args[2].equals("--out")) {
            System.err.println("usage: GpioSimChecks --config LATCHKEY.TOML --out DIR");
            System.exit(2);
        }
        Path config = Path.of(args[1]);
        DeviceConfig device = DeviceConfigLoader.load(config);
        GpioSimChip chip = GpioSimChip.pinctrl(GpioSimChip.CONFIGFS, GpioSimChip.PLATFORM);
        Optional<String> refusal = refusal(device.hal(), chip);
        if (refusal.isPresent()) {
            System.err.println("GpioSimChecks: refusing to run: " + refusal.get());
            System.exit(2);
        }
        GpioSimChecks checks = new GpioSimChecks(config, device, chip, Path.of(args[3]));
        checks.run();
        System.exit(checks.failed == 0 ? 0 : 1);
    }

    /** These checks move a bolt: only a gpio-sim door and a PWM test root will do. */
    static Optional<String> refusal(HalConfig hal, GpioSimChip chip) {
        if (hal.driver() != HalConfig.Driver.PI4J) {
            return Optional.of("the config's driver is not pi4j: nothing real would be tested");
        }
        if (hal.gpioChip().isPresent() && !hal.gpioChip().get().equals(chip.name())) {
            return Optional.of(
                    "hal.gpio_chip = "
                            + hal.gpioChip().get()
                            + " is not the gpio-sim chip "
                            + chip.name());
        }
        if (hal.pwmRoot().equals(HalConfig.SYS_CLASS_PWM)) {
            return Optional.of(
                    "hal.pwm_root is the real /sys/class/pwm: give the servo a test root");
        }
        return Optional.empty();
    }

    private void run() throws Exception {
        facts();
        timed("hw-test", this::hwTest);
        timed("hw-test-bolt-jam", this::hwTestJammed);
        timed("hw-test-line-busy", this::hwTestLineBusy);
        timed("bench", this::bench);
    }

    // ---- the facts a report needs

    private void facts() throws IOException {
        info(
                "kernel",
                read("/proc/sys/kernel/osrelease")
                        + " "
                        + System.getProperty("os.arch")
                        + " ("
                        + read("/proc/version")
                        + ")");
        info(
                "java",
                System.getProperty("java.vm.name")
                        + " "
                        + Runtime.version()
                        + " ("
                        + System.getProperty("java.vendor")
                        + ")");
        info("gpio-sim", chip + ", named lines " + chip.lineNames());
        info(
                "board",
                "Pi4J detects "
                        + BoardInfoHelper.current().getBoardModel()
                        + "; natives from pi4j.library.path="
                        + System.getProperty("pi4j.library.path"));
        info("config", config + ": " + describe(device.hal()));
        // JNA (keyboard-mode scanners) loads its library from the package's native folder, as the
        // launchers set it, never unpacked to /tmp.
        int pointer = com.sun.jna.Native.POINTER_SIZE;
        String jna = String.valueOf(System.getProperty("jnidispatch.path"));
        String folder = String.valueOf(System.getProperty("jna.boot.library.path"));
        check(
                "jna-native",
                jna.startsWith(folder + "/") && !jna.startsWith("/tmp"),
                "libjnidispatch from "
                        + jna
                        + " (jna.boot.library.path="
                        + folder
                        + ", "
                        + pointer * 8
                        + "-bit)");
    }

    private static String describe(HalConfig hal) {
        return "door BCM "
                + hal.contact().pin()
                + ", bolt switch "
                + hal.bolt().switchPin()
                + ", camera trigger BCM "
                + hal.camera().triggerPin()
                + ", ready "
                + hal.camera().readyPin()
                + ", chip "
                + hal.gpioChip().orElse("(the first pinctrl chip)")
                + ", PWM test root "
                + hal.pwmRoot();
    }

    // ---- hw-test

    private void hwTest() throws Exception {
        Run r = hwTestWith(d -> {});
        check(
                "hw-test",
                r.code() == 0 && r.out().contains("hw-test: all 4 steps passed"),
                "exit " + r.code() + ": " + r.steps());
    }

    private void hwTestJammed() throws Exception {
        Run r = hwTestWith(d -> GpioSimBackend.io(() -> d.inject(HalConfig.Fault.BOLT_JAM)));
        Optional<String> jam =
                r.lines().stream().filter(l -> l.contains("FAIL  bolt unlocks — ")).findFirst();
        check(
                "hw-test-bolt-jam",
                r.code() == 1
                        && jam.isPresent()
                        && jam.get().contains("the bolt did not confirm UNLOCKED")
                        && jam.get().contains("jammed"),
                "exit " + r.code() + ": " + jam.map(String::strip).orElse(r.steps()));
    }

    private void hwTestLineBusy() throws Exception {
        int pin = device.hal().contact().pin();
        Process holder =
                new ProcessBuilder(
                                "gpiomon",
                                "--consumer",
                                HOLDER,
                                "--chip",
                                chip.name(),
                                Integer.toString(pin))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        try {
            String held = awaitHolder(pin);
            info("line-holder", held);
            Run r = hwTestWith(d -> {});
            Optional<String> hardware =
                    r.lines().stream().filter(l -> l.startsWith("FAIL  hardware — ")).findFirst();
            String expected = "BCM " + pin + " (hal.door.pin";
            check(
                    "hw-test-line-busy",
                    r.code() == 1
                            && hardware.isPresent()
                            && hardware.get().contains(expected)
                            && hardware.get().contains("in use by another program"),
                    "exit " + r.code() + ": " + hardware.orElse(r.steps()));
            // latchkeyd opens the hardware the same way and logs "cannot start: " + the message.
            RealScheduler scheduler = new RealScheduler("latchkeyd-path");
            try {
                DoorHardwareFactory.open(device.hal(), scheduler, e -> {}).close();
                check("latchkeyd-line-busy", false, "the hardware opened on a held line");
            } catch (HalException e) {
                check(
                        "latchkeyd-line-busy",
                        e.getMessage().contains(expected)
                                && e.getMessage().contains("in use by another program"),
                        "latchkeyd would log: cannot start: " + e.getMessage());
            } finally {
                scheduler.close();
            }
        } finally {
            holder.destroy();
            if (!holder.waitFor(5, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
    }

    /** Waits until the kernel shows the line held by the holder; its gpioinfo line. */
    private String awaitHolder(int pin) throws Exception {
        String last = "";
        for (int i = 0; i < 100; i++) {
            Process p =
                    new ProcessBuilder("gpioinfo", "--chip", chip.name(), Integer.toString(pin))
                            .redirectErrorStream(true)
                            .start();
            last = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            if (last.contains(HOLDER)) {
                return last.replace('\t', ' ');
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("gpiomon never held line " + pin + ": " + last);
    }

    private record Run(int code, String out, String err) {
        List<String> lines() {
            return out.lines().map(String::strip).toList();
        }

        /** The step verdicts, or the error when there are none. */
        String steps() {
            List<String> verdicts =
                    lines().stream()
                            .filter(l -> l.matches("(PASS|FAIL|SKIP)  .*"))
                            // A failed step keeps its reason (it names the pin); a passed one, its
                            // name.
                            .map(l -> l.startsWith("FAIL") ? l : l.replaceAll(" — .*", ""))
                            .toList();
            return verdicts.isEmpty() ? (out + err).strip() : String.join(", ", verdicts);
        }
    }

    /**
     * One hw-test, in this JVM, with a fresh door on the chip's other side: a person who does what
     * hw-test asks (opens the door when told, closes it when told), a moment later.
     */
    private Run hwTestWith(Consumer<GpioSimDoor> prepare) throws Exception {
        HalConfig hal = device.hal();
        RealScheduler time = new RealScheduler("gpio-sim-door");
        ScheduledExecutorService person =
                Executors.newSingleThreadScheduledExecutor(
                        r -> Thread.ofPlatform().daemon().name("person").unstarted(r));
        try (GpioSimDoor door =
                new GpioSimDoor(
                        chip,
                        GpioSimDoor.Wiring.byLineNames(chip),
                        GpioSimDoor.Servo.of(hal),
                        PHYSICS,
                        time,
                        (input, level) -> {},
                        true,
                        true,
                        false)) {
            prepare.accept(door);
            Lines stdout =
                    new Lines(
                            "hw-test| ",
                            line -> {
                                if (line.contains("Open the door")) {
                                    later(person, () -> door.open());
                                } else if (line.contains("lose the door")) {
                                    later(person, door::shut);
                                }
                            });
            Lines stderr = new Lines("hw-test! ", line -> {});
            int code =
                    cli(
                            stdout,
                            stderr,
                            "hw-test",
                            "--yes",
                            "--config",
                            config.toString(),
                            "--door-timeout",
                            DOOR_TIMEOUT.toSeconds() + "s");
            info(
                    "door-model",
                    "after hw-test: bolt "
                            + (door.boltThrown() ? "thrown" : "retracted")
                            + ", door "
                            + (door.doorOpen() ? "open" : "closed")
                            + (door.lastPulseMicros() == 0
                                    ? ", servo never driven"
                                    : ", last servo pulse "
                                            + door.lastPulseMicros()
                                            + " µs (read from the PWM test root)"));
            return new Run(code, stdout.text(), stderr.text());
        } finally {
            person.shutdownNow();
            time.close();
        }
    }

    private static void later(ScheduledExecutorService person, GpioSimBackend.IoAction a) {
        person.schedule(() -> GpioSimBackend.io(a), HAND.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- bench

    private static final Pattern VERDICT =
            Pattern.compile("^ {3}(PASS|FAIL) ([a-z0-9-]+)(?: \\((\\d+) ms\\)|: (.*))?$");

    private void bench() throws Exception {
        List<String[]> verdicts = new ArrayList<>();
        Lines stdout =
                new Lines(
                        "bench| ",
                        line -> {
                            Matcher m = VERDICT.matcher(line);
                            if (m.matches()) {
                                verdicts.add(
                                        new String[] {
                                            m.group(1),
                                            m.group(2),
                                            m.group(3) != null
                                                    ? m.group(3) + " ms"
                                                    : String.valueOf(m.group(4))
                                        });
                            }
                        });
        Lines stderr = new Lines("bench! ", line -> {});
        Files.createDirectories(out);
        int code =
                cli(
                        stdout,
                        stderr,
                        "bench",
                        "--gpio",
                        "gpio-sim",
                        "--report",
                        out.resolve("bench-gpio-sim.html").toString());
        for (String[] v : verdicts) {
            check("bench-" + v[1], v[0].equals("PASS"), v[2]);
        }
        int expected = GpioSimScenarios.forBackend(BenchDoor.Gpio.GPIO_SIM).size();
        check(
                "bench",
                code == 0 && verdicts.size() == expected,
                "exit "
                        + code
                        + ", "
                        + verdicts.stream().filter(v -> v[0].equals("PASS")).count()
                        + " of "
                        + expected
                        + " scenarios passed on the gpio-sim back-end");
    }

    // ---- plumbing

    private static int cli(Lines stdout, Lines stderr, String... args) {
        CommandLine cl = LatchkeyCommand.commandLine(CliContext.system());
        cl.setOut(new PrintWriter(stdout, true));
        cl.setErr(new PrintWriter(stderr, true));
        int code = cl.execute(args);
        stdout.flushLine();
        stderr.flushLine();
        return code;
    }

    /** Echoes a command's output line by line (prefixed) and hands each line to a watcher. */
    private static final class Lines extends Writer {
        private final String prefix;
        private final Consumer<String> watcher;
        private final StringBuilder all = new StringBuilder();
        private final StringBuilder line = new StringBuilder();

        Lines(String prefix, Consumer<String> watcher) {
            this.prefix = prefix;
            this.watcher = watcher;
        }

        @Override
        public synchronized void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                all.append(c);
                if (c == '\n') {
                    flushLine();
                } else if (c != '\r') {
                    line.append(c);
                }
            }
        }

        synchronized void flushLine() {
            if (line.isEmpty()) {
                return;
            }
            String l = line.toString();
            line.setLength(0);
            System.out.println(prefix + l);
            System.out.flush();
            watcher.accept(l);
        }

        synchronized String text() {
            return all.toString();
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    @FunctionalInterface
    private interface Check {
        void run() throws Exception;
    }

    private void timed(String name, Check c) {
        long t0 = System.nanoTime();
        try {
            c.run();
        } catch (Exception | AssertionError e) {
            check(name, false, "the check itself failed: " + e);
            e.printStackTrace(System.out);
        }
        System.out.printf(
                Locale.ROOT, "LATCHKEY-TIME %s %.2f%n", name, (System.nanoTime() - t0) / 1e9);
    }

    private void check(String name, boolean passed, String detail) {
        if (!passed) {
            failed++;
        }
        result(name, passed ? "PASS" : "FAIL", detail);
    }

    private static void info(String name, String detail) {
        result(name, "INFO", detail);
    }

    private static void result(String name, String verdict, String detail) {
        System.out.println(
                "LATCHKEY-RESULT " + name + " " + verdict + " " + detail.replace('\n', ' '));
        System.out.flush();
    }

    private static String read(String file) throws IOException {
        return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    }
}
