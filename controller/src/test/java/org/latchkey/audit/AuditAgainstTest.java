package org.latchkey.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.door.AuditRecord;
import org.latchkey.hal.DoorState;
import org.latchkey.store.Storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/** The log against a copy kept outside: a change or a gap is named, pruning is never passed. */
class AuditAgainstTest {
    static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

    @TempDir Path state;

    private List<String> logOf(int records) throws Exception {
        AuditLog log =
                AuditLog.open(
                        Storage.REAL,
                        state,
                        AuditLog.Limits.of(AuditLog.Limits.DEFAULT_MAX_BYTES),
                        InstantSource.fixed(T),
                        AuditLog.Health.IGNORED);
        for (int i = 0; i < records; i++) {
            log.append(new AuditRecord.Door(i % 2 == 0 ? DoorState.OPEN : DoorState.CLOSED), T);
        }
        return Files.readAllLines(state.resolve("audit/audit.log"));
    }

    @Test
    void anUntouchedLog_holdsWhatTheCaptureHolds() throws Exception {
        List<String> capture = logOf(20);
        AuditAgainst.Report r = AuditAgainst.check(state, capture, Optional.empty());
        assertTrue(r.holds(), r.problems().toString());
        assertEquals(capture.size(), r.records());
    }

    @Test
    void aChangedRecord_isNamed() throws Exception {
        List<String> capture = logOf(20);
        Path file = state.resolve("audit/audit.log");
        List<String> lines = Files.readAllLines(file);
        lines.set(7, lines.get(7).replace("\"open\"", "\"closed\"").replace("OPEN", "CLOSED"));
        Files.write(file, lines);
        AuditAgainst.Report r = AuditAgainst.check(state, capture, Optional.empty());
        assertTrue(
                r.problems().stream().anyMatch(p -> p.contains("it was changed")),
                r.problems().toString());
    }

    @Test
    void recordsOlderThanTheLogsOldest_areNamedAsPrunedOrCut_neverPassed() throws Exception {
        List<String> capture = logOf(40);
        Path file = state.resolve("audit/audit.log");
        List<String> lines = Files.readAllLines(file);
        Files.write(file, lines.subList(25, lines.size())); // as if the head went
        AuditAgainst.Report r = AuditAgainst.check(state, capture, Optional.empty());
        assertEquals(1, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).startsWith("25 record(s) held outside are older"));
        assertTrue(r.problems().get(0).contains("pruned by [audit] max_size, or cut away"));

        AuditAgainst.Report newer =
                AuditAgainst.check(state, capture.subList(25, capture.size()), Optional.empty());
        assertTrue(newer.holds(), "a capture within what the log keeps holds");
    }
}
