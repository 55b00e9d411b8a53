package org.latchkey.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.access.AccessGate;
import org.latchkey.assembly.DoorAssembly;
import org.latchkey.audit.AuditJson;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.DeviceConfigLoader;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorModel;
import org.latchkey.door.Outcome;
import org.latchkey.feedback.Answer;
import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.Indicators;
import org.latchkey.hal.ManualScheduler;
import org.latchkey.hal.RealScheduler;
import org.latchkey.hal.Scheduler;
import org.latchkey.store.BootTime;
import org.latchkey.store.OneTimeStore;
import org.latchkey.store.Storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * One door under test: a real config file, real keys' trust, the real controller loop, token
 * verification, one-time store, time floor and audit log in a temporary state directory, on one of
 * the two hardware back-ends. Time is virtual (fast) or real.
 */
final class BenchDoor {
    /** One line of the timeline: when, what happened, and the door as it then was. */
    record Entry(
            Duration at,
            String event,
            String detail,
            String state,
            String bolt,
            String door,
            boolean camera,
            List<String> alarms,
            List<String> lights) {}

    /** The hardware back-ends, by their --gpio names. */
    enum Gpio {
        SIMULATED("simulated"),
        MOCK_PI4J("mock-pi4j"),
        /**
         * The production Pi4J layer on a Linux gpio-sim chip: needs the chip and Pi4J's natives.
         */
        GPIO_SIM("gpio-sim");

        final String cliName;

        Gpio(String cliName) {
            this.cliName = cliName;
        }

        static Optional<Gpio> named(String name) {
            for (Gpio g : values()) {
                if (g.cliName.equals(name)) {
                    return Optional.of(g);
                }
            }
            return Optional.empty();
        }
    }

    /** The bench's virtual machine boots once. */
    private static final String BENCH_BOOT = "00000000-0000-4000-8000-00000000bec4";

    private final Path dir;
    private final DeviceConfig config;
    private final Scheduler scheduler;
    private final DoorAssembly assembly;
    private final DoorController controller;
    private final AccessGate gate;
    private final Backend backend;
    private final List<Entry> timeline;
    private final Duration offset;
    private volatile boolean released;

    /**
     * @param physical where a previous run left the bolt and the door (a power cut), or empty for a
     *     new door
     * @param timeline shared with a previous run of the same scenario, so the story continues
     */
    BenchDoor(
            Path dir,
            Gpio gpio,
            boolean realtime,
            Instant start,
            Optional<boolean[]> physical,
            List<Entry> timeline,
            Duration offset)
            throws Exception {
        this(
                dir,
                Rig.of(gpio),
                realtime,
                start,
                physical,
                timeline,
                offset,
                UnaryOperator.identity());
    }

    /**
     * The bench's own thread runs the door's loop: after every step it lets the door handle what
     * happened, so a story on virtual time is deterministic, and one in real time polls the loop as
     * the clock runs.
     *
     * @param boundary wraps the hardware the controller sees: tests put Mockito spies at the HAL
     *     boundary
     */
    BenchDoor(
            Path dir,
            Rig rig,
            boolean realtime,
            Instant start,
            Optional<boolean[]> physical,
            List<Entry> timeline,
            Duration offset,
            UnaryOperator<DoorHardware> boundary)
            throws Exception {
        this.dir = dir;
        this.timeline = timeline;
        this.offset = offset;
        this.config = DeviceConfigLoader.load(dir.resolve("latchkey.toml"));
        this.scheduler = realtime ? new RealScheduler("bench-timers") : new ManualScheduler();
        InstantSource wall = () -> start.plus(offset).plus(scheduler.elapsed());
        Path state = Files.createDirectories(config.stateDir());
        // The same wiring as latchkeyd; only the clock (virtual) and the hardware (the back-end)
        // differ.
        this.assembly =
                DoorAssembly.assemble(
                        config,
                        state,
                        Storage.REAL,
                        scheduler,
                        wall,
                        // One boot for the whole bench: a restarted door sees the time that passed.
                        () -> new BootTime(BENCH_BOOT, offset.plus(scheduler.elapsed())),
                        dir.resolve("timesync-synchronized"),
                        false);
        this.controller = assembly.controller();
        this.gate = assembly.gate();
        controller.addObserver(
                new DoorController.Observer() {
                    private String last = "";

                    @Override
                    public void onStatus(DoorModel m) {
                        String now =
                                m.stateName()
                                        + m.bolt()
                                        + m.door()
                                        + m.camera().recording()
                                        + m.alarms();
                        if (!now.equals(last)) {
                            last = now;
                            BenchDoor.this.onStatus(m);
                        }
                    }

                    @Override
                    public void onRecord(AuditRecord record, Optional<String> line) {
                        record(AuditJson.type(record), describe(AuditJson.fields(record)));
                    }
                });
        boolean boltThrown = physical.map(p -> p[0]).orElse(true);
        boolean doorOpen = physical.map(p -> p[1]).orElse(false);
        this.backend = rig.open(dir, config, scheduler, controller, boltThrown, doorOpen);
        assembly.start(boundary.apply(watched(backend.hardware())));
        settle();
        advance(START_UP); // the start-up lock takes the bolt's travel time
    }

    /** Long enough for the start-up motion: travel time and a margin. */
    static final Duration START_UP = Duration.ofSeconds(1);

    Backend backend() {
        return backend;
    }

    DeviceConfig config() {
        return config;
    }

    /**
     * A scanner reader on {@code device}, wired as latchkeyd wires its own: codes to the gate, the
     * answers to the lights and buzzer; both on the timeline. {@code idleEnd}: the gap that ends a
     * code ({@code [scanner] idle_end}). Run it on a platform thread, and let the door handle what
     * it presents ({@link #advance}).
     */
    org.latchkey.scanner.ScannerInput scannerReader(Path device, java.time.Duration idleEnd) {
        return new org.latchkey.scanner.ScannerInput(
                device,
                (text, client) -> {
                    record("scanner", text.length() > 24 ? text.substring(0, 24) + "…" : text);
                    return gate.presentOrEnrol(text, client);
                },
                idleEnd,
                answer -> {
                    record("answer", answer.name().toLowerCase(java.util.Locale.ROOT));
                    assembly.feedback().accept(answer);
                });
    }

    DoorModel model() {
        return controller.model();
    }

    OneTimeStore store() {
        return assembly.store();
    }

    Duration now() {
        return offset.plus(scheduler.elapsed());
    }

    /**
     * Presents a token as the API or the scanner would, and lets time run (at most two minutes)
     * until it is answered.
     */
    Outcome present(String token) throws Exception {
        record("present", token.length() > 24 ? token.substring(0, 24) + "…" : token);
        CompletableFuture<Outcome> answer = gate.present(token, "bench");
        for (Duration waited = Duration.ZERO;
                waited.compareTo(Duration.ofMinutes(2)) < 0;
                waited = waited.plusMillis(100)) {
            settle();
            if (answer.isDone()) {
                break;
            }
            advance(Duration.ofMillis(100));
        }
        Outcome o =
                answer.getNow(
                        Outcome.refused(
                                org.latchkey.token.RejectionReason.BUSY,
                                "no answer within two minutes"));
        record("answer", o.granted() ? "granted" : "refused " + o.refusal().get());
        // The door's lights and buzzer answer, as they answer the scanner.
        assembly.feedback().accept(Answer.of(o));
        settle();
        return o;
    }

    void open() {
        record("person", "opens the door");
        backend.open();
        settle();
    }

    void shut() {
        record("person", "closes the door");
        backend.shut();
        settle();
    }

    void force() {
        record("person", "forces the door open");
        backend.force();
        settle();
    }

    /** A line of the story the bench itself has to tell (what a back-end did, and how). */
    void note(String event, String detail) {
        record(event, detail);
    }

    void inject(org.latchkey.hal.HalConfig.Fault fault) {
        record("fault", fault.configName());
        backend.inject(fault);
        settle();
    }

    /**
     * Lets {@code d} pass: on virtual time, step by step from one due timer to the next, the door
     * handling each.
     */
    void advance(Duration d) throws InterruptedException {
        if (scheduler instanceof ManualScheduler manual) {
            Duration target = manual.elapsed().plus(d);
            while (true) {
                Optional<Duration> due = manual.nextDue();
                if (due.isEmpty() || due.get().compareTo(target) > 0) {
                    manual.advance(target.minus(manual.elapsed()));
                    settle();
                    return;
                }
                manual.advance(due.get().minus(manual.elapsed()));
                settle();
            }
        }
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            settle();
            Thread.sleep(Math.max(0, Math.min(5, (end - System.nanoTime()) / 1_000_000)));
        }
        settle();
    }

    /** Lets the door handle everything that happened so far. */
    void settle() {
        controller.processPending();
    }

    /** An orderly stop, as on SIGTERM. Nothing to do after a power cut. */
    void stop() throws InterruptedException {
        if (released) {
            return;
        }
        controller.post(new org.latchkey.door.DoorEvent.ShutdownRequested());
        for (int i = 0; i < 200 && !controller.isStopped(); i++) {
            advance(Duration.ofMillis(100));
        }
        release();
        assembly.stop();
    }

    /**
     * The power goes: nothing more runs, not even a shutdown. Returns where the bolt and the door
     * physically are.
     */
    boolean[] powerCut() throws IOException {
        boolean[] physical = {backend.boltThrown(), backend.doorOpen()};
        record("power", "cut: the process stops dead");
        release();
        return physical;
    }

    private void release() {
        released = true;
        backend.release();
        if (scheduler instanceof RealScheduler real) {
            real.close();
        }
    }

    Path stateDir() {
        return config.stateDir();
    }

    private void onStatus(DoorModel m) {
        synchronized (timeline) {
            timeline.add(
                    new Entry(
                            now(),
                            "state",
                            "",
                            m.stateName(),
                            m.bolt().name(),
                            m.door().name(),
                            m.camera().recording(),
                            m.alarms().stream().map(Enum::name).sorted().toList(),
                            lights()));
        }
    }

    private void record(String event, String detail) {
        DoorModel m = controller == null ? null : controller.model();
        synchronized (timeline) {
            timeline.add(
                    new Entry(
                            now(),
                            event,
                            detail,
                            m == null ? "" : m.stateName(),
                            m == null ? "" : m.bolt().name(),
                            m == null ? "" : m.door().name(),
                            m != null && m.camera().recording(),
                            m == null
                                    ? List.of()
                                    : m.alarms().stream().map(Enum::name).sorted().toList(),
                            lights()));
        }
    }

    /** The lights and buzzer on now, by their config names. */
    List<String> lights() {
        if (backend == null) {
            return List.of();
        }
        Indicators i = backend.hardware().indicators();
        return java.util.Arrays.stream(Indicators.Signal.values())
                .filter(i::isOn)
                .map(Indicators.Signal::configName)
                .toList();
    }

    /** The hardware with every light and buzzer change on the timeline. */
    private DoorHardware watched(DoorHardware hw) {
        Indicators real = hw.indicators();
        Indicators watched =
                new Indicators() {
                    @Override
                    public java.util.Set<Signal> fitted() {
                        return real.fitted();
                    }

                    @Override
                    public void set(Signal signal, boolean on)
                            throws org.latchkey.hal.HalException {
                        boolean was = real.isOn(signal);
                        real.set(signal, on);
                        if (was != on) {
                            record("feedback", signal.configName() + (on ? " on" : " off"));
                        }
                    }

                    @Override
                    public boolean isOn(Signal signal) {
                        return real.isOn(signal);
                    }

                    @Override
                    public Optional<Boolean> sensed(Signal signal)
                            throws org.latchkey.hal.HalException {
                        return real.sensed(signal);
                    }
                };
        return new DoorHardware() {
            @Override
            public org.latchkey.hal.Deadbolt bolt() {
                return hw.bolt();
            }

            @Override
            public org.latchkey.hal.DoorContact contact() {
                return hw.contact();
            }

            @Override
            public org.latchkey.hal.Camera camera() {
                return hw.camera();
            }

            @Override
            public Indicators indicators() {
                return watched;
            }

            @Override
            public String description() {
                return hw.description();
            }

            @Override
            public void close() {
                hw.close();
            }
        };
    }

    /** An audit record's fields, short: long ids abbreviated. */
    static String describe(ObjectNode fields) {
        StringBuilder sb = new StringBuilder();
        fields.properties()
                .forEach(
                        e -> {
                            String k = e.getKey();
                            if (k.equals("kid") || k.equals("jti")) {
                                return;
                            }
                            String text =
                                    org.latchkey.token.Names.forPeople(
                                            e.getValue().isTextual()
                                                    ? e.getValue().textValue()
                                                    : e.getValue().toString());
                            sb.append(sb.isEmpty() ? "" : " ")
                                    .append(k)
                                    .append('=')
                                    .append(
                                            text.length() > 18
                                                    ? text.substring(0, 17) + "…"
                                                    : text);
                        });
        return sb.toString();
    }

    static List<Entry> newTimeline() {
        return new ArrayList<>();
    }
}
