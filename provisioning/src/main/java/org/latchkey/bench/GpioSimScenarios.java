package org.latchkey.bench;

import static org.latchkey.bench.Scenarios.alarm;
import static org.latchkey.bench.Scenarios.expect;
import static org.latchkey.bench.Scenarios.expectState;

import org.latchkey.config.ScannerSettings;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.Indicators.Signal;
import org.latchkey.hal.Level;
import org.latchkey.hal.gpiosim.GpioSimChip;
import org.latchkey.scanner.KeyTyping;
import org.latchkey.scanner.ScannerInput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Stories only a real GPIO chip can tell: a bouncing reed switch against the kernel's edge events
 * and Pi4J's debounce, and a cut wire left to the pull-up the door's line request set.
 */
final class GpioSimScenarios {
    /** Toggles of one bouncing opening: odd, so the contact ends open. */
    static final int BOUNCES = 5;

    /** Bursts that outlast the debounce time prove nothing: try again, this often at most. */
    private static final int TRIES = 5;

    private static final Duration QUIET = Duration.ofMillis(500);

    static final List<Scenarios.Scenario> ALL =
            List.of(
                    new Scenarios.Scenario(
                            "bouncing-contact",
                            "the door is forced open and its reed switch bounces "
                                    + BOUNCES
                                    + " times within the debounce time: one door event, the alarm"
                                    + " (real time)",
                            Scenarios.Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            GpioSimScenarios::bouncingContact,
                            true),
                    new Scenarios.Scenario(
                            "wire-cut",
                            "the door contact's wire is cut while locked: the line floats to the"
                                    + " door's own pull-up and reads OPEN (fail secure): alarm and"
                                    + " camera",
                            Scenarios.Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            GpioSimScenarios::wireCut),
                    new Scenarios.Scenario(
                            "scanner-uinput",
                            "a uinput keyboard scans a courier's token: read through the"
                                    + " production evdev path, grabbed (another reader sees"
                                    + " nothing), granted, with the green light and two beeps read"
                                    + " back on the chip; a German-layout scan refused (red, three"
                                    + " beeps); a jammed bolt blinks red (real time)",
                            Scenarios.Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            GpioSimScenarios::scannerUinput,
                            true));

    private GpioSimScenarios() {}

    static Optional<Scenarios.Scenario> named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Every scenario a back-end can play. */
    static List<Scenarios.Scenario> forBackend(BenchDoor.Gpio gpio) {
        return gpio == BenchDoor.Gpio.GPIO_SIM
                ? Stream.concat(Scenarios.ALL.stream(), ALL.stream()).toList()
                : Scenarios.ALL;
    }

    private static GpioSimBackend sim(BenchDoor d) {
        return (GpioSimBackend) d.backend();
    }

    /** Where an installer's scanner would be; made here as udev would (the VM has no udev). */
    static final Path SCANNER_LINK = Path.of("/dev/input/by-id/usb-latchkey_VM_Scanner-event-kbd");

    private static final Duration ANSWER_WAIT = Duration.ofSeconds(60);

    private static void scannerUinput(Scenarios.Run r) throws Exception {
        BenchDoor d = r.door();
        expectState(d, "the door starts locked", "LOCKED");
        Map<Signal, HalConfig.Output> wired = d.config().hal().feedback().outputs();
        try (VirtualKeyboard keyboard = VirtualKeyboard.create();
                LineWatch lines = new LineWatch(sim(d).chip(), wired)) {
            Path node = keyboard.eventNode();
            Files.createDirectories(SCANNER_LINK.getParent());
            Files.deleteIfExists(SCANNER_LINK);
            Files.createSymbolicLink(SCANNER_LINK, Path.of("..").resolve(node.getFileName()));
            d.note("scanner", "uinput keyboard " + node + " as " + SCANNER_LINK);
            // Codes end with Enter; the gap that also ends one is the longest allowed here: the
            // emulated machine stalls the typing thread for longer than a scanner pauses mid-code
            // (one CI run split a token in two at the default 100 ms).
            ScannerInput reader = d.scannerReader(SCANNER_LINK, ScannerSettings.MAX_IDLE_END);
            Thread thread = Thread.ofPlatform().daemon().name("bench-scanner").start(reader);
            try (VirtualKeyboard.Peer peer = new VirtualKeyboard.Peer(node)) {
                expect(
                        "the reader takes the scanner for itself",
                        until(d, Duration.ofSeconds(30), peer::heldByAnother),
                        "nobody holds " + node);
                Duration scanned = lines.now();
                keyboard.scan(r.keys().courierOnce(r.start()), KeyTyping.US);
                expect(
                        "the typed token is granted",
                        until(d, ANSWER_WAIT, () -> d.model().stateName().startsWith("UNLOCK")),
                        "the door is " + d.model().stateName());
                expect(
                        "another reader of the device saw nothing",
                        peer.waiting() == 0,
                        "it read key events");
                expect(
                        "the green light's line is on while unlocked",
                        until(d, Duration.ofSeconds(10), () -> lines.on(Signal.GREEN)),
                        "it reads " + lines.describe());
                expect(
                        "the buzzer's line beeped twice",
                        until(
                                d,
                                Duration.ofSeconds(10),
                                () -> lines.pulses(Signal.BUZZER, scanned) >= 2),
                        lines.describe());
                d.open();
                d.advance(Duration.ofSeconds(2));
                d.shut();
                expect(
                        "locked again after the visit",
                        until(
                                d,
                                Duration.ofSeconds(30),
                                () -> d.model().stateName().equals("LOCKED")),
                        "the door is " + d.model().stateName());
                expect(
                        "the green line is off",
                        until(d, Duration.ofSeconds(5), () -> !lines.on(Signal.GREEN)),
                        lines.describe());

                Duration wrong = lines.now();
                keyboard.scan(r.keys().courierOnce(r.start().plusSeconds(30)), KeyTyping.german());
                expect(
                        "the German-layout scan is refused: red, three beeps",
                        until(
                                d,
                                ANSWER_WAIT,
                                () ->
                                        lines.pulses(Signal.RED, wrong) >= 1
                                                && lines.pulses(Signal.BUZZER, wrong) >= 3),
                        lines.describe());
                expectState(d, "nothing moved", "LOCKED");
            } finally {
                reader.stop();
                thread.interrupt();
            }

            // The bolt jams on the next visit: the red line blinks while the door needs help.
            expect(
                    "granted",
                    d.present(r.keys().courierOnce(r.start().plusSeconds(60))).granted(),
                    "it was refused");
            d.advance(Duration.ofSeconds(1));
            d.open();
            // Real time: the opening must reach the door through its debounce before it closes.
            expect(
                    "the door is seen open",
                    until(d, Duration.ofSeconds(10), () -> d.model().door().name().equals("OPEN")),
                    "the contact reads " + d.model().door());
            d.inject(HalConfig.Fault.BOLT_JAM);
            d.shut();
            expect(
                    "JAMMED after the retries",
                    until(d, Duration.ofSeconds(30), () -> d.model().stateName().equals("JAMMED")),
                    "the door is " + d.model().stateName());
            Duration jammed = lines.now();
            d.advance(Duration.ofSeconds(10));
            List<Duration> blinks = lines.rises(Signal.RED, jammed);
            boolean everyFewSeconds = blinks.size() >= 2;
            for (int i = 1; i < blinks.size(); i++) {
                Duration gap = blinks.get(i).minus(blinks.get(i - 1));
                // Every 3 s; emulation on shared cores is slow and uneven.
                everyFewSeconds &=
                        gap.compareTo(Duration.ofMillis(1500)) >= 0
                                && gap.compareTo(Duration.ofSeconds(6)) <= 0;
            }
            expect(
                    "the red line blinks every few seconds",
                    everyFewSeconds,
                    "red rose at " + blinks);
        } finally {
            Files.deleteIfExists(SCANNER_LINK);
        }
    }

    /** Lets the door run in real time until {@code holds}, at most {@code limit}. */
    private static boolean until(
            BenchDoor d, Duration limit, java.util.function.BooleanSupplier holds)
            throws InterruptedException {
        for (Duration waited = Duration.ZERO;
                waited.compareTo(limit) < 0;
                waited = waited.plusMillis(100)) {
            if (holds.getAsBoolean()) {
                return true;
            }
            d.advance(Duration.ofMillis(100));
        }
        return holds.getAsBoolean();
    }

    /**
     * The lights' and buzzer's lines as the chip's other side sees them, sampled every few
     * milliseconds on a thread of its own: what a person at the door would see and hear.
     */
    static final class LineWatch implements AutoCloseable {
        private record Edge(Signal signal, boolean on, Duration at) {}

        private final GpioSimChip chip;
        private final Map<Signal, HalConfig.Output> wired;
        private final List<Edge> edges = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Map<Signal, Boolean> levels = new java.util.concurrent.ConcurrentHashMap<>();
        private final long start = System.nanoTime();
        private final Thread sampler;
        private volatile boolean running = true;

        LineWatch(GpioSimChip chip, Map<Signal, HalConfig.Output> wired) {
            this.chip = chip;
            this.wired = wired;
            this.sampler = Thread.ofPlatform().daemon().name("line-watch").start(this::sample);
        }

        private void sample() {
            while (running) {
                for (Map.Entry<Signal, HalConfig.Output> e : wired.entrySet()) {
                    try {
                        boolean on = chip.value(e.getValue().pin()) == e.getValue().activeLevel();
                        Boolean was = levels.put(e.getKey(), on);
                        if (was == null || was != on) {
                            edges.add(new Edge(e.getKey(), on, now()));
                        }
                    } catch (IOException ex) {
                        // read again next round
                    }
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException ex) {
                    return;
                }
            }
        }

        Duration now() {
            return Duration.ofNanos(System.nanoTime() - start);
        }

        boolean on(Signal s) {
            return levels.getOrDefault(s, false);
        }

        /** Times the output came on since {@code since}. */
        List<Duration> rises(Signal s, Duration since) {
            return edges.stream()
                    .filter(e -> e.signal() == s && e.on() && e.at().compareTo(since) >= 0)
                    .map(Edge::at)
                    .toList();
        }

        int pulses(Signal s, Duration since) {
            return rises(s, since).size();
        }

        String describe() {
            return "edges "
                    + edges.stream()
                            .map(
                                    e ->
                                            e.signal().configName()
                                                    + (e.on() ? "↑" : "↓")
                                                    + e.at().toMillis())
                            .toList();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            sampler.join(1000);
        }
    }

    private static void bouncingContact(Scenarios.Run r) throws Exception {
        BenchDoor d = r.door();
        expectState(d, "the door starts locked", "LOCKED");
        GpioSimBackend sim = sim(d);
        GpioSimBackend.Bounce bounce = null;
        for (int attempt = 1; attempt <= TRIES; attempt++) {
            bounce = sim.forceBouncing(BOUNCES, QUIET);
            d.note(
                    "person",
                    "forced; bounced "
                            + BOUNCES
                            + "x in "
                            + millis(bounce.took())
                            + ", try "
                            + attempt);
            d.settle();
            if (bounce.took().compareTo(sim.debounce()) < 0) {
                break;
            }
            // The machine was too slow to bounce within the debounce time: close, settle, again.
            d.shut();
            d.advance(Duration.ofSeconds(2));
        }
        GpioSimBackend.Bounce b = bounce;
        expect(
                BOUNCES + " toggles within the " + sim.debounce().toMillis() + " ms debounce time",
                b.took().compareTo(sim.debounce()) < 0,
                "every burst took longer: the last " + millis(b.took()));
        expect(
                "one door event for "
                        + BOUNCES
                        + " toggles in "
                        + millis(b.took())
                        + " (events: "
                        + b.events()
                        + ")",
                b.doorEvents() == 1,
                b.doorEvents() + " door events");
        expect("the door reads OPEN", d.model().door().name().equals("OPEN"), "it reads CLOSED");
        expect(
                "DOOR_FORCED_OPEN raised",
                alarm(d, "DOOR_FORCED_OPEN"),
                "alarms " + d.model().alarms());
        d.shut();
        d.advance(Duration.ofSeconds(5));
        expectState(d, "locked once closed", "LOCKED");
    }

    private static void wireCut(Scenarios.Run r) throws Exception {
        BenchDoor d = r.door();
        expectState(d, "the door starts locked", "LOCKED");
        GpioSimBackend sim = sim(d);
        expect(
                "the door's request put a pull-up on the contact's line",
                sim.contactBias().equals(Optional.of(Level.HIGH)),
                "the line's bias is " + sim.contactBias().map(Level::name).orElse("unknown"));
        d.inject(HalConfig.Fault.CONTACT_CUT);
        expect(
                "the cut contact reads OPEN",
                d.model().door().name().equals("OPEN"),
                "it reads " + d.model().door());
        expect(
                "DOOR_FORCED_OPEN raised",
                alarm(d, "DOOR_FORCED_OPEN"),
                "alarms " + d.model().alarms());
        expect("the camera records", d.model().camera().recording(), "the camera is off");
        d.advance(Duration.ofSeconds(5));
        expect(
                "the bolt stays thrown",
                d.backend().boltThrown() && d.model().bolt().name().equals("LOCKED"),
                "the bolt is " + d.model().bolt());
    }

    private static String millis(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.2f ms", d.toNanos() / 1e6);
    }
}
