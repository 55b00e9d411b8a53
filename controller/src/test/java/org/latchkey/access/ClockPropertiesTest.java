package org.latchkey.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.latchkey.assembly.DoorAssembly;
import org.latchkey.door.Outcome;
import org.latchkey.store.OneTimeStore;
import org.latchkey.store.Storage;
import org.latchkey.store.TimeFloor;
import org.latchkey.testing.TestDoor;
import org.latchkey.testing.VirtualDoor;
import org.latchkey.token.ClockRules;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.Use;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the clock must guarantee, as properties over generated runs of the whole door: once tokens
 * presented and replayed (for a grant, for a mode change), the wall clock stepped both ways
 * (seconds to months, and in creeping steps just under the skew), time passing, restarts, kill -9,
 * reboots with a spoofed time, one state file lost, damaged, edited or put back from a backup, the
 * owner's clock reset (and an old reset statement replayed). Whatever the run:
 *
 * <ul>
 *   <li>no once token is taken twice (to open the door or change its mode), and no clock reset
 *       statement takes effect twice;
 *   <li>once the clock reads true time again, an owner token valid by true time is admitted within
 *       the upkeep interval (plus the clock watch's second);
 *   <li>without a spoofed boot, the time floor never leads true time by more than the skew.
 * </ul>
 */
class ClockPropertiesTest {
    private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");
    private static final Duration BOUND =
            DoorAssembly.UPKEEP_PERIOD.plus(DoorAssembly.CLOCK_WATCH_PERIOD);

    /** One thing that happens to the door. */
    sealed interface Step {}

    /** A fresh once token of this role, valid this long from true now. */
    record Present(Role role, Duration validFor) implements Step {}

    /** A once token issued earlier, presented again. */
    record Replay(int which) implements Step {}

    record StepClock(Duration by) implements Step {}

    /** The clock reads true time again: the accident is over. */
    record ClockBack() implements Step {}

    record Advance(Duration by) implements Step {}

    record Restart() implements Step {}

    record Kill() implements Step {}

    record Reboot(Duration off, Duration spoof) implements Step {}

    /** With the door down, one state file is lost, damaged or put back from a backup. */
    record Lose(String what) implements Step {}

    /** The owner vouches for the time (a clock reset). */
    record Reset() implements Step {}

    /** An owner once token used to change the mode (and back to normal with a window token). */
    record ModeOnce() implements Step {}

    /** A clock reset statement made earlier, presented again. */
    record ReplayReset(int which) implements Step {}

    /** Steps just under the skew, each read by the clock watch: they must not add up. */
    record Creep(int steps) implements Step {}

    @Provide
    Arbitrary<List<Step>> runs() {
        Arbitrary<Step> step =
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(
                                5,
                                Arbitraries.of(Role.GUEST, Role.DELIVERY, Role.OWNER)
                                        .flatMap(
                                                r ->
                                                        Arbitraries.of(
                                                                        Duration.ofMinutes(10),
                                                                        Duration.ofHours(2),
                                                                        Duration.ofHours(3))
                                                                .map(d -> new Present(r, d)))),
                        net.jqwik.api.Tuple.of(
                                5, Arbitraries.integers().between(0, 50).map(Replay::new)),
                        net.jqwik.api.Tuple.of(
                                3,
                                Arbitraries.of(
                                                Duration.ofSeconds(30),
                                                Duration.ofMinutes(10),
                                                Duration.ofHours(2),
                                                Duration.ofDays(2),
                                                Duration.ofDays(40),
                                                Duration.ofSeconds(-30),
                                                Duration.ofHours(-2),
                                                Duration.ofDays(-2))
                                        .map(StepClock::new)),
                        net.jqwik.api.Tuple.of(3, Arbitraries.just(new ClockBack())),
                        net.jqwik.api.Tuple.of(
                                4,
                                Arbitraries.of(
                                                Duration.ofSeconds(1),
                                                Duration.ofSeconds(31),
                                                Duration.ofMinutes(3),
                                                Duration.ofMinutes(10))
                                        .map(Advance::new)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Restart())),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Kill())),
                        net.jqwik.api.Tuple.of(
                                1,
                                Arbitraries.of(
                                                Duration.ZERO,
                                                Duration.ofDays(2),
                                                Duration.ofDays(40),
                                                Duration.ofDays(90))
                                        .map(s -> new Reboot(Duration.ofMinutes(5), s))),
                        net.jqwik.api.Tuple.of(
                                2,
                                Arbitraries.of(
                                                "time-floor",
                                                "time-floor-damaged",
                                                "once.log",
                                                "once.log-backup",
                                                "once.log-earlier")
                                        .map(Lose::new)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reset())),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(new ModeOnce())),
                        net.jqwik.api.Tuple.of(
                                1, Arbitraries.integers().between(0, 10).map(ReplayReset::new)),
                        net.jqwik.api.Tuple.of(
                                1, Arbitraries.integers().between(5, 90).map(Creep::new)));
        return step.list().ofMinSize(4).ofMaxSize(22);
    }

    /** The door and what the run knows: the tokens issued, those that opened, the clock's state. */
    private static final class World {
        final Path dir;
        VirtualDoor door;
        final List<String> issued = new ArrayList<>();
        final Set<String> opened = new HashSet<>();
        final List<String> resets = new ArrayList<>();
        final Set<String> resetsTaken = new HashSet<>();
        Duration step = Duration.ZERO;
        Instant trueSince;
        boolean spoofedBoot;
        Path backup;

        World(Path dir) throws Exception {
            this.dir = dir;
            TestDoor.config().set("state_dir = \"state\"").write(dir);
            door = new VirtualDoor(dir, Storage.REAL, T0, true);
            trueSince = door.trueNow();
        }

        Path state(String file) {
            return dir.resolve("state").resolve(file);
        }

        String mint(Role role, Use use, Duration validFor) {
            SigningKey key = role == Role.DELIVERY ? TestDoor.COURIER : TestDoor.OWNER;
            return TestDoor.token(key, role, use, door.trueNow(), validFor);
        }

        void present(String token, String what) throws Exception {
            Outcome o = door.present(token, "127.0.0.1");
            if (o.granted()) {
                assertTrue(opened.add(token), what + ": a once token opened a second time");
                door.unlockAndRelock();
            }
        }

        void apply(Step s) throws Exception {
            switch (s) {
                case Present p -> {
                    String t = mint(p.role(), Use.ONCE, p.validFor());
                    issued.add(t);
                    present(t, "fresh");
                    if (Files.exists(state(OneTimeStore.FILE)) && backup == null) {
                        backup = dir.resolve("once.log.backup");
                        Files.copy(state(OneTimeStore.FILE), backup);
                    }
                }
                case Replay r -> {
                    if (!issued.isEmpty()) {
                        present(issued.get(r.which() % issued.size()), "replay");
                    }
                }
                case StepClock c -> {
                    door.stepClock(c.by());
                    step = step.plus(c.by());
                    door.advance(DoorAssembly.CLOCK_WATCH_PERIOD);
                }
                case ClockBack b -> {
                    door.stepClock(step.negated());
                    step = Duration.ZERO;
                    trueSince = door.trueNow();
                    door.advance(DoorAssembly.CLOCK_WATCH_PERIOD);
                }
                case Advance a -> door.advance(a.by());
                case Restart r -> door = door.restart();
                case Kill k -> door = door.restartAfterKill();
                case Reboot r -> {
                    door = door.reboot(r.off(), r.spoof().plus(step));
                    step = step.plus(r.spoof());
                    spoofedBoot |= !step.isZero(); // a wrong clock at boot: within max_offline
                    // it is believed (a door may have been off that long), by design
                    if (step.isZero()) {
                        trueSince = door.trueNow();
                    }
                }
                case Lose l -> {
                    door.stop();
                    switch (l.what()) {
                        case "time-floor" -> Files.deleteIfExists(state(TimeFloor.FILE));
                        case "time-floor-damaged" ->
                                Files.writeString(state(TimeFloor.FILE), "garbage\n");
                        case "once.log" -> Files.deleteIfExists(state(OneTimeStore.FILE));
                        case "once.log-earlier" -> earlier(state(OneTimeStore.FILE));
                        case "once.log-backup" -> {
                            if (backup != null) {
                                Files.copy(
                                        backup,
                                        state(OneTimeStore.FILE),
                                        StandardCopyOption.REPLACE_EXISTING);
                            }
                        }
                        default -> throw new IllegalArgumentException(l.what());
                    }
                    door = door.restartAfterKill();
                }
                case Reset r -> {
                    if (step.isZero()) { // an owner resets a clock that reads right
                        String statement =
                                ClockGuaranteesTest.clockReset(
                                        door.now(), TestDoor.DOOR_ID, TestDoor.OWNER);
                        resets.add(statement);
                        reset(statement);
                    }
                }
                case ReplayReset r -> {
                    if (!resets.isEmpty()) {
                        reset(resets.get(r.which() % resets.size()));
                    }
                }
                case ModeOnce m -> {
                    String t = mint(Role.OWNER, Use.ONCE, Duration.ofHours(2));
                    issued.add(t);
                    if (door.changeMode(org.latchkey.door.Mode.PRIVACY, t, "127.0.0.1").granted()) {
                        assertTrue(opened.add(t), "a once token changed the mode a second time");
                    }
                    door.changeMode(
                            org.latchkey.door.Mode.NORMAL,
                            mint(Role.OWNER, Use.WINDOW, Duration.ofHours(1)),
                            "127.0.0.1");
                }
                case Creep c -> {
                    for (int i = 0; i < c.steps(); i++) {
                        Duration by = ClockRules.DEFAULT_SKEW.minusSeconds(5);
                        door.stepClock(by);
                        step = step.plus(by);
                        door.advance(DoorAssembly.CLOCK_WATCH_PERIOD);
                    }
                }
            }
        }

        void reset(String statement) {
            if (door.assembly.gate().resetClock(statement, "cli").granted()) {
                assertTrue(resetsTaken.add(statement), "a clock reset took effect a second time");
            }
            door.advance(DoorAssembly.CLOCK_WATCH_PERIOD);
        }

        /** once.log edited: every record's expiry three days back, each with a valid checksum. */
        void earlier(Path onceLog) throws Exception {
            if (!Files.exists(onceLog)) {
                return;
            }
            StringBuilder out = new StringBuilder();
            for (String line : Files.readAllLines(onceLog)) {
                String[] f = line.split(" ");
                out.append(
                        f.length == 5 && f[0].equals("once")
                                ? OneTimeStore.record(
                                        f[1], f[2], door.trueNow().minus(Duration.ofDays(3)))
                                : line + "\n");
            }
            Files.writeString(onceLog, out);
        }

        /** The owner's promise: back within the bound once the clock reads true time again. */
        void checkOwner() throws Exception {
            if (!step.isZero()) {
                return;
            }
            Duration since = Duration.between(trueSince, door.trueNow());
            if (since.compareTo(BOUND) < 0) {
                door.advance(BOUND.minus(since));
            }
            Outcome o =
                    door.present(mint(Role.OWNER, Use.WINDOW, Duration.ofHours(2)), "127.0.0.1");
            assertTrue(
                    o.granted(),
                    () ->
                            "an owner token valid by true time was refused "
                                    + o.refusal().orElseThrow()
                                    + " ("
                                    + o.detail()
                                    + ") "
                                    + since
                                    + " after the clock was right again");
            door.unlockAndRelock();
        }

        void checkFloor() {
            if (!spoofedBoot) {
                assertFalse(
                        door.assembly
                                .clock()
                                .floor()
                                .isAfter(
                                        door.trueNow()
                                                .plus(ClockRules.DEFAULT_SKEW)
                                                .plusSeconds(1)),
                        "the floor leads true time: " + door.assembly.clock().floor());
            }
        }
    }

    /**
     * Found by the property below (seed 8315869088736691226): a clock stepped 30 s ahead, twice,
     * then once more with restarts between; each restart measured from a floor recorded 60 s
     * "ahead" on the boot clock and took no time as passed, so the floor ended 90 s ahead.
     */
    @net.jqwik.api.Example
    void smallStepsAhead_withRestartsBetween_neverMoveTheFloorPastTheSkew() throws Exception {
        Path dir = Files.createTempDirectory("latchkey-clock-property");
        try {
            World w = new World(dir);
            for (Step s :
                    List.of(
                            new StepClock(Duration.ofSeconds(30)),
                            new StepClock(Duration.ofSeconds(30)),
                            new Lose("once.log"),
                            new Present(Role.OWNER, Duration.ofHours(3)),
                            new Present(Role.OWNER, Duration.ofMinutes(10)),
                            new StepClock(Duration.ofSeconds(30)),
                            new Lose("once.log"))) {
                w.apply(s);
                w.checkFloor();
            }
            w.door.stop();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Property(tries = 400)
    void noOnceTokenOpensTwice_andOwnersAreBackWithinTheBound(@ForAll("runs") List<Step> run)
            throws Exception {
        Path dir = Files.createTempDirectory("latchkey-clock-property");
        try {
            World w = new World(dir);
            for (Step s : run) {
                w.apply(s);
                w.checkFloor();
            }
            // The accident ends: the clock reads true time again, and the owner tries.
            w.apply(new ClockBack());
            w.checkOwner();
            // Every once token ever issued, replayed at the end: none opens a second time.
            for (String t : List.copyOf(w.issued)) {
                w.present(t, "final replay");
            }
            w.door.stop();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
