package org.latchkey.bench;

import org.latchkey.audit.AuditLog;
import org.latchkey.identity.DoorKeys;
import org.latchkey.receipt.Receipt;
import org.latchkey.receipt.ReceiptStore;
import org.latchkey.store.Storage;
import org.latchkey.token.Json;
import org.latchkey.token.PublicKey;
import org.latchkey.token.SigningKey;
import org.latchkey.token.TokenRejectedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Runs scenarios, each on a fresh temporary device, and collects what happened. */
final class Bench {
    /** One scenario's outcome. */
    record Result(
            Scenarios.Scenario scenario,
            BenchDoor.Gpio gpio,
            boolean passed,
            Optional<String> diverged,
            List<BenchDoor.Entry> timeline,
            List<String> audit,
            List<Receipt> receipts,
            Duration elapsed) {}

    private final Rig rig;
    private final boolean realtime;
    private final SecureRandom random;

    private final java.util.function.UnaryOperator<org.latchkey.hal.DoorHardware> boundary;

    Bench(BenchDoor.Gpio gpio, boolean realtime, SecureRandom random) {
        this(Rig.of(gpio), realtime, random, java.util.function.UnaryOperator.identity());
    }

    Bench(
            BenchDoor.Gpio gpio,
            boolean realtime,
            SecureRandom random,
            java.util.function.UnaryOperator<org.latchkey.hal.DoorHardware> boundary) {
        this(Rig.of(gpio), realtime, random, boundary);
    }

    /**
     * @param boundary wraps the hardware the controller drives (tests: Mockito spies)
     */
    Bench(
            Rig rig,
            boolean realtime,
            SecureRandom random,
            java.util.function.UnaryOperator<org.latchkey.hal.DoorHardware> boundary) {
        this.rig = rig;
        this.realtime = realtime;
        this.random = random;
        this.boundary = boundary;
    }

    Result run(Scenarios.Scenario scenario) throws IOException {
        Path dir = Files.createTempDirectory("latchkey-bench-" + scenario.name() + "-");
        long t0 = System.nanoTime();
        List<BenchDoor.Entry> timeline = BenchDoor.newTimeline();
        List<BenchDoor> doors = new ArrayList<>();
        BenchKeys keys = new BenchKeys(random);
        Optional<String> diverged = Optional.empty();
        try {
            keys.writeDevice(
                    dir, scenario.setup() == Scenarios.Setup.REQUIRE_CAMERA, rig.halSection(dir));
            boolean realtime = this.realtime || scenario.realTime();
            if (scenario.setup() == Scenarios.Setup.CLOCK_BEHIND_FLOOR) {
                Scenarios.floorAhead(
                        dir.resolve("state"), scenario.start().plus(Duration.ofDays(1)));
            } else {
                Files.createFile(dir.resolve("timesync-synchronized"));
            }
            BenchDoor first =
                    new BenchDoor(
                            dir,
                            rig,
                            realtime,
                            scenario.start(),
                            Optional.empty(),
                            timeline,
                            Duration.ZERO,
                            boundary);
            doors.add(first);
            scenario.script()
                    .play(
                            new Scenarios.Run() {
                                @Override
                                public BenchDoor door() {
                                    return first;
                                }

                                @Override
                                public BenchKeys keys() {
                                    return keys;
                                }

                                @Override
                                public Instant start() {
                                    return scenario.start();
                                }

                                @Override
                                public BenchDoor restart(boolean[] physical, Duration offset)
                                        throws Exception {
                                    BenchDoor next =
                                            new BenchDoor(
                                                    dir,
                                                    rig,
                                                    realtime,
                                                    scenario.start(),
                                                    Optional.of(physical),
                                                    timeline,
                                                    offset,
                                                    boundary);
                                    doors.add(next);
                                    return next;
                                }
                            });
        } catch (Scenarios.Diverged e) {
            diverged = Optional.of(e.getMessage());
        } catch (Exception e) {
            diverged = Optional.of("the bench itself failed: " + e);
        } finally {
            for (BenchDoor d : doors) {
                try {
                    d.stop();
                } catch (Exception | Error e) {
                    // already stopped (power cut) or stopping: nothing left to release
                }
            }
        }
        List<String> audit = readAudit(dir.resolve("state"));
        List<Receipt> receipts = List.of();
        try {
            receipts = readReceipts(dir.resolve("state"));
            long grants = audit.stream().filter(Bench::isGrant).count();
            if (diverged.isEmpty() && grants != receipts.size()) {
                diverged =
                        Optional.of(
                                grants
                                        + " grant(s) but "
                                        + receipts.size()
                                        + " visit receipt(s): every grant gets exactly one");
            }
        } catch (TokenRejectedException e) {
            diverged = Optional.of("a visit receipt does not verify: " + e.getMessage());
        }
        deleteTree(dir);
        return new Result(
                scenario,
                rig.gpio(),
                diverged.isEmpty(),
                diverged,
                List.copyOf(timeline),
                audit,
                receipts,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    private static List<String> readAudit(Path state) throws IOException {
        Path audit = state.resolve(AuditLog.DIR).resolve("audit.log");
        return Files.exists(audit) ? Files.readAllLines(audit) : List.of();
    }

    private static boolean isGrant(String auditLine) {
        try {
            return "granted".equals(Json.read(auditLine).path("type").asText());
        } catch (IOException e) {
            return false; // a torn last line (the power-cut scenario): no record
        }
    }

    /** The door's receipts, each checked against its door key, as a company would. */
    private static List<Receipt> readReceipts(Path state)
            throws IOException, TokenRejectedException {
        Optional<SigningKey> key = DoorKeys.readKey(state);
        if (key.isEmpty()) {
            return List.of();
        }
        PublicKey door = key.get().publicKey();
        key.get().destroy();
        List<Receipt> out = new ArrayList<>();
        for (ReceiptStore.Stored s :
                ReceiptStore.open(Storage.READ_ONLY, state).since(0, Integer.MAX_VALUE)) {
            out.add(Receipt.verify(s.text(), door));
        }
        return List.copyOf(out);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
