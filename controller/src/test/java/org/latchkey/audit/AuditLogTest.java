package org.latchkey.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.door.AuditRecord;
import org.latchkey.hal.DoorState;
import org.latchkey.testing.FaultyStorage;
import org.latchkey.token.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The audit log under faults: full and read-only disks, torn appends, pruning, damage, power cuts.
 */
class AuditLogTest {
    private static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");

    @TempDir Path state;

    final FaultyStorage disk = new FaultyStorage();
    final List<String> health = new ArrayList<>();
    final AuditLog.Health listener =
            new AuditLog.Health() {
                @Override
                public void failed(IOException e) {
                    health.add("failed");
                }

                @Override
                public void recovered() {
                    health.add("recovered");
                }
            };

    private AuditLog open(AuditLog.Limits limits) {
        return AuditLog.open(disk, state, limits, InstantSource.fixed(T0), listener);
    }

    private static AuditRecord door(int i) {
        return new AuditRecord.Door(i % 2 == 0 ? DoorState.OPEN : DoorState.CLOSED);
    }

    private List<String> lines() throws IOException {
        List<String> all = new ArrayList<>();
        for (Path f : AuditLog.files(state.resolve(AuditLog.DIR))) {
            all.addAll(Files.readAllLines(f, StandardCharsets.ISO_8859_1));
        }
        return all;
    }

    private List<AuditRecord> records() throws IOException {
        List<AuditRecord> out = new ArrayList<>();
        for (String l : lines()) {
            out.add(AuditJson.read(Json.read(l)));
        }
        return out;
    }

    @Test
    void fullDisk_tornAppendIsCutBack_theGapIsRecorded_theChainStaysVerifiable() throws Exception {
        try (AuditLog log = open(AuditLog.Limits.of(64L << 20))) {
            log.append(door(0), T0);
            disk.fillAfter(30); // the next record tears 30 bytes in
            assertEquals(Optional.empty(), log.append(door(1), T0.plusSeconds(1)));
            assertEquals(Optional.empty(), log.append(door(2), T0.plusSeconds(2)));
            assertTrue(log.failing());
            assertFalse(
                    AuditVerifier.verify(state)
                            .firstProblem()
                            .filter(p -> p.contains("partial"))
                            .isPresent(),
                    "nothing torn is left behind");
            disk.freeSpace();
            assertTrue(log.append(door(3), T0.plusSeconds(3)).isPresent());
        }
        assertEquals(List.of("failed", "failed", "recovered"), health);
        List<AuditRecord> records = records();
        assertEquals(
                new AuditRecord.RecordsLost(2, T0.plusSeconds(1), T0.plusSeconds(2)),
                records.get(records.size() - 2));
        assertEquals(door(3), records.get(records.size() - 1));
        AuditVerifier.Report report = AuditVerifier.verify(state);
        assertTrue(report.intact(), report.firstProblem().toString());
    }

    @Test
    void readOnlyAtStart_runsDegraded_thenRecordsWhatWasLost() throws Exception {
        try (AuditLog first = open(AuditLog.Limits.of(64L << 20))) {
            first.append(door(0), T0);
        }
        disk.readOnly(true);
        try (AuditLog log = open(AuditLog.Limits.of(64L << 20))) {
            assertTrue(log.failing());
            assertEquals(Optional.empty(), log.append(door(1), T0.plusSeconds(1)));
            assertFalse(log.retry());
            disk.readOnly(false);
            assertTrue(log.retry(), "the upkeep's probe writes the pending gap");
        }
        assertEquals(
                new AuditRecord.RecordsLost(1, T0.plusSeconds(1), T0.plusSeconds(1)),
                records().get(records().size() - 1));
        assertTrue(AuditVerifier.verify(state).intact());
        assertEquals("recovered", health.get(health.size() - 1));
    }

    @Test
    void powerCut_keepsEveryRecordAppendReturnedFor() throws Exception {
        try (AuditLog log = open(AuditLog.Limits.of(64L << 20))) {
            for (int i = 0; i < 5; i++) {
                assertTrue(log.append(door(i), T0).isPresent());
            }
        }
        disk.powerCut();
        assertEquals(6, lines().size());
        assertTrue(AuditVerifier.verify(state).intact());
    }

    @Test
    void tornLastLine_fromACrash_isCutAtOpen_andTheChainContinues() throws Exception {
        try (AuditLog log = open(AuditLog.Limits.of(64L << 20))) {
            log.append(door(0), T0);
        }
        Path current = state.resolve(AuditLog.DIR).resolve(AuditLog.CURRENT);
        Files.writeString(
                current, "{\"seq\":2,\"ts\":\"2026", java.nio.file.StandardOpenOption.APPEND);
        assertTrue(
                AuditVerifier.verify(state)
                        .firstProblem()
                        .orElse("")
                        .contains("a partial record at the end"));
        try (AuditLog log = open(AuditLog.Limits.of(64L << 20))) {
            log.append(door(1), T0);
        }
        assertTrue(AuditVerifier.verify(state).intact());
        assertEquals(3, lines().size());
    }

    @Test
    void damagedLastRecord_doesNotStopTheLog_isReported_andVerifyNamesIt() throws Exception {
        try (AuditLog log = open(AuditLog.Limits.of(64L << 20))) {
            log.append(door(0), T0);
        }
        Path current = state.resolve(AuditLog.DIR).resolve(AuditLog.CURRENT);
        byte[] bytes = Files.readAllBytes(current);
        bytes[bytes.length - 5] = (byte) 0xFF;
        Files.write(current, bytes);
        try (AuditLog log = open(AuditLog.Limits.of(64L << 20))) {
            assertEquals(1, log.damage().size());
            assertTrue(log.damage().get(0).file().endsWith("audit.log"), log.damage().toString());
            assertTrue(log.append(door(1), T0).isPresent());
        }
        AuditVerifier.Report report = AuditVerifier.verify(state);
        assertEquals(
                "audit.log line 2: not valid UTF-8 (a byte was changed)",
                report.firstProblem().orElseThrow());
        assertTrue(
                lines().get(2).contains("\"seq\":2"),
                "the chain continues after the damaged record");
    }

    @Test
    void overMaxSize_oldestFilesArePruned_behindAnchors_andTheChainVerifiesFromThere()
            throws Exception {
        AuditLog.Limits limits = new AuditLog.Limits(1000, 3000);
        try (AuditLog log = open(limits)) {
            for (int i = 0; i < 200; i++) {
                log.append(door(i), T0.plusSeconds(i));
            }
        }
        long total;
        try (Stream<Path> s = Files.list(state.resolve(AuditLog.DIR))) {
            total = s.mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(total <= limits.maxBytes() + limits.rotateBytes(), "bounded: " + total);
        assertTrue(records().stream().anyMatch(r -> r instanceof AuditRecord.AuditPruned));
        AuditVerifier.Report report = AuditVerifier.verify(state);
        assertTrue(report.intact(), report.firstProblem().toString());
        assertTrue(report.start().startsWith("the audit_pruned anchor at seq "), report.start());
    }

    @Test
    void pruned_thenAnotherFileRemovedByHand_isDetected() throws Exception {
        try (AuditLog log = open(new AuditLog.Limits(1000, 3000))) {
            for (int i = 0; i < 200; i++) {
                log.append(door(i), T0.plusSeconds(i));
            }
        }
        Path oldest = AuditLog.files(state.resolve(AuditLog.DIR)).get(0);
        Files.delete(oldest);
        assertFalse(AuditVerifier.verify(state).intact());
    }

    @Test
    void recordsCutFromTheHead_withAForgedAnchorAppended_areDetected() throws Exception {
        // Finding 6 of the third review: records 0-4 deleted, one audit_pruned record appended at
        // the end (chained properly, nothing else rehashed), and verify said "intact".
        try (AuditLog log = open(AuditLog.Limits.of(64L << 20))) {
            for (int i = 0; i < 10; i++) {
                log.append(door(i), T0.plusSeconds(i));
            }
        }
        Path current = state.resolve(AuditLog.DIR).resolve(AuditLog.CURRENT);
        List<String> all = Files.readAllLines(current, StandardCharsets.ISO_8859_1);
        String prevOfFive = Json.read(all.get(5)).path("prev").asText();
        Files.write(
                current,
                (String.join("\n", all.subList(5, all.size())) + "\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
        try (AuditLog log = open(AuditLog.Limits.of(64L << 20))) {
            log.append(
                    new AuditRecord.AuditPruned("audit-000000000000.log", 5, 5, prevOfFive),
                    T0.plusSeconds(20));
        }
        AuditVerifier.Report report = AuditVerifier.verify(state);
        assertFalse(report.intact(), "a forged anchor in the same file");
        assertTrue(report.firstProblem().orElseThrow().contains("starts at seq 5"));
        // The same cut renamed as a rotated file beginning at 5, its anchor in a later file: real
        // pruning looks exactly like this, and an unkeyed chain cannot tell (docs/assurance.md).
        Path rotated = state.resolve(AuditLog.DIR).resolve("audit-000000000005.log");
        List<String> now = Files.readAllLines(current, StandardCharsets.ISO_8859_1);
        Files.write(
                rotated,
                (String.join("\n", now.subList(0, now.size() - 1)) + "\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
        Files.write(
                current, (now.get(now.size() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(AuditVerifier.verify(state).intact());
    }

    @Test
    void crashBetweenAnAnchorAndItsFilesRemoval_stillVerifies() throws Exception {
        try (AuditLog log = open(new AuditLog.Limits(1000, 1_000_000))) {
            for (int i = 0; i < 100; i++) {
                log.append(door(i), T0.plusSeconds(i));
            }
        }
        int before = AuditLog.files(state.resolve(AuditLog.DIR)).size();
        for (int removedBeforeTheCrash = 0; removedBeforeTheCrash < 3; removedBeforeTheCrash++) {
            disk.crashBeforeDelete(removedBeforeTheCrash);
            health.clear();
            try (AuditLog log = open(new AuditLog.Limits(1000, 3000))) {
                for (int i = 0; i < 50 && health.isEmpty(); i++) {
                    log.append(
                            door(i),
                            T0.plusSeconds(200 + i)); // until a rotation anchors, removes, and the
                    // power goes
                }
            }
            assertEquals(List.of("failed"), health, "the power went mid-prune");
            disk.crashBeforeDelete(Integer.MAX_VALUE); // restarted
            AuditVerifier.Report report = AuditVerifier.verify(state);
            assertTrue(report.intact(), removedBeforeTheCrash + ": " + report.firstProblem());
        }
        try (AuditLog log = open(new AuditLog.Limits(1000, 3000))) {
            for (int i = 0; i < 50; i++) {
                log.append(door(i), T0.plusSeconds(300 + i));
            }
        }
        assertTrue(AuditVerifier.verify(state).intact());
        assertTrue(AuditLog.files(state.resolve(AuditLog.DIR)).size() < before);
    }
}
