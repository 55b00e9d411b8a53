package org.latchkey.audit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import org.latchkey.door.AuditRecord;
import org.latchkey.hal.DoorState;
import org.latchkey.store.Storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The audit log is the one-time store's witness: whatever is pruned to keep it within its size,
 * every once token the door took stays in it until the token has expired (by more than the carry
 * margin) — the fourth review removed a grant by pruning, then once.log, and the token opened
 * again. Over generated runs of grants, mode changes, other records and time passing, on a log
 * small enough to prune every few records, the history read back always holds every once token that
 * may still be valid, and the chain verifies.
 */
class AuditPruningPropertiesTest {
    private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");

    sealed interface Step {}

    /** A once grant whose token expires this long after now (negative: already expired). */
    record Grant(Duration expiresIn) implements Step {}

    /** An owner once token used for a mode change. */
    record ModeOnce(Duration expiresIn) implements Step {}

    /** Records that say nothing about once tokens. */
    record Churn(int records) implements Step {}

    record Advance(Duration by) implements Step {}

    /** The log is closed and opened again (a restart). */
    record Reopen() implements Step {}

    @Provide
    Arbitrary<List<Step>> runs() {
        Arbitrary<Duration> expiry =
                Arbitraries.of(
                        Duration.ofDays(-10),
                        Duration.ofDays(-1),
                        Duration.ofMinutes(5),
                        Duration.ofHours(4),
                        Duration.ofDays(30));
        Arbitrary<Step> step =
                Arbitraries.frequencyOf(
                        Tuple.of(4, expiry.map(Grant::new)),
                        Tuple.of(1, expiry.map(ModeOnce::new)),
                        Tuple.of(5, Arbitraries.integers().between(1, 40).map(Churn::new)),
                        Tuple.of(
                                2,
                                Arbitraries.of(
                                                Duration.ofMinutes(1),
                                                Duration.ofHours(6),
                                                Duration.ofDays(3),
                                                Duration.ofDays(8))
                                        .map(Advance::new)),
                        Tuple.of(1, Arbitraries.just(new Reopen())));
        return step.list().ofMinSize(5).ofMaxSize(60);
    }

    @Property(tries = 200)
    void everyOnceTokenThatMayStillBeValid_outlivesThePruning(@ForAll("runs") List<Step> run)
            throws Exception {
        Path state = Files.createTempDirectory("latchkey-audit-prune");
        try {
            Instant[] now = {T0};
            InstantSource clock = () -> now[0];
            AuditLog.Limits limits = new AuditLog.Limits(1500, 4500);
            AuditLog log =
                    AuditLog.open(Storage.REAL, state, limits, clock, AuditLog.Health.IGNORED);
            Set<AuditHistory.OnceGrant> taken = new HashSet<>();
            int n = 0;
            for (Step s : run) {
                switch (s) {
                    case Grant g -> {
                        var once =
                                new AuditHistory.OnceGrant(
                                        "k4.pid.c", "g-" + n++, now[0].plus(g.expiresIn()));
                        taken.add(once);
                        log.append(
                                new AuditRecord.Granted(
                                        new AuditRecord.TokenRef(
                                                once.kid(),
                                                once.jti(),
                                                Optional.of("parcel-co"),
                                                "courier",
                                                "delivery",
                                                Optional.of("once"),
                                                Optional.of(once.exp()))),
                                now[0]);
                    }
                    case ModeOnce m -> {
                        var once =
                                new AuditHistory.OnceGrant(
                                        "k4.pid.o", "m-" + n++, now[0].plus(m.expiresIn()));
                        taken.add(once);
                        log.append(
                                new AuditRecord.OnceUsed(
                                        once.kid(), once.jti(), once.exp(), "mode"),
                                now[0]);
                    }
                    case Churn c -> {
                        for (int i = 0; i < c.records(); i++) {
                            log.append(
                                    new AuditRecord.Door(
                                            i % 2 == 0 ? DoorState.OPEN : DoorState.CLOSED),
                                    now[0]);
                        }
                    }
                    case Advance a -> now[0] = now[0].plus(a.by());
                    case Reopen r -> {
                        log.close();
                        log =
                                AuditLog.open(
                                        Storage.REAL,
                                        state,
                                        limits,
                                        clock,
                                        AuditLog.Health.IGNORED);
                    }
                }
                Set<AuditHistory.OnceGrant> remembered =
                        new HashSet<>(AuditHistory.read(state).onceGrants());
                Instant keepFrom = now[0].minus(AuditLog.CARRY_MARGIN);
                for (AuditHistory.OnceGrant g : taken) {
                    if (g.exp().isAfter(keepFrom)) {
                        assertTrue(
                                remembered.contains(g),
                                "forgotten after pruning: " + g + " at " + now[0]);
                    }
                }
            }
            log.close();
            AuditVerifier.Report report = AuditVerifier.verify(state);
            assertTrue(report.intact(), report.firstProblem().toString());
        } finally {
            try (Stream<Path> files = Files.walk(state)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
