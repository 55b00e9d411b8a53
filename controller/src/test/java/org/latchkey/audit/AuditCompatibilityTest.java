package org.latchkey.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.door.AuditRecord;
import org.latchkey.hal.DoorState;
import org.latchkey.store.Storage;
import org.latchkey.token.Json;
import org.latchkey.token.Rfc3339;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The audit log is a contract: a file written by the first release (see compat/README.md) reads
 * back as typed records, every one of them maps to the same JSON again, its chain verifies, and
 * this version continues it.
 */
class AuditCompatibilityTest {
    /**
     * Record types the first release wrote in a fixed field order: their lines must come back byte
     * for byte.
     */
    private static final Set<String> FIXED_ORDER =
            Set.of(
                    "genesis",
                    "granted",
                    "refused",
                    "revocations_installed",
                    "revocations_refused",
                    "door",
                    "camera",
                    "relock",
                    "alarm_raised",
                    "alarm_cleared",
                    "shutdown",
                    "trust_reloaded");

    @TempDir Path state;

    private List<String> oldLines() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/compat/audit-written-by-0.1.log")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void everyRecordOfTheFirstRelease_readsTyped_andMapsBackToTheSameJson() throws Exception {
        List<String> lines = oldLines();
        assertEquals(52, lines.size());
        Set<String> types = new TreeSet<>();
        for (String line : lines) {
            JsonNode node = Json.read(line);
            AuditRecord record = AuditJson.read(node);
            assertFalse(record instanceof AuditRecord.Unrecognised, line);
            String type = AuditJson.type(record);
            types.add(type);
            String again =
                    AuditJson.line(
                            node.get("seq").longValue(),
                            Rfc3339.parse(node.get("ts").textValue()),
                            record,
                            node.get("prev").textValue());
            if (FIXED_ORDER.contains(type)) {
                assertEquals(line, again, "byte for byte");
            } else {
                assertEquals(
                        node,
                        Json.read(again),
                        "the same fields and values (the first release's order varied)");
            }
            ObjectNode fields = AuditJson.fields(record);
            fields.properties()
                    .forEach(
                            e ->
                                    assertEquals(
                                            Json.write(e.getValue()),
                                            Json.write(node.get(e.getKey())),
                                            type + "." + e.getKey()));
        }
        assertEquals(
                new TreeSet<>(
                        List.of(
                                "alarm_cleared",
                                "alarm_raised",
                                "bolt",
                                "bolt_jammed",
                                "bolt_retry",
                                "camera",
                                "door",
                                "genesis",
                                "granted",
                                "mode",
                                "refusals_summary",
                                "refused",
                                "relock",
                                "revocations_installed",
                                "revocations_refused",
                                "shutdown",
                                "startup",
                                "stopped",
                                "trust_reloaded")),
                types);
    }

    @Test
    void fileOfTheFirstRelease_verifies_andThisVersionContinuesItsChain() throws Exception {
        Path dir = Files.createDirectories(state.resolve(AuditLog.DIR));
        try (InputStream in = getClass().getResourceAsStream("/compat/audit-written-by-0.1.log")) {
            Files.write(dir.resolve(AuditLog.CURRENT), in.readAllBytes());
        }
        assertTrue(AuditVerifier.verify(state).intact());
        try (AuditLog log =
                AuditLog.open(
                        Storage.REAL,
                        state,
                        AuditLog.Limits.of(64L << 20),
                        InstantSource.fixed(Instant.parse("2026-11-26T09:00:00Z")),
                        new AuditLog.Health() {
                            @Override
                            public void failed(IOException e) {
                                throw new AssertionError(e);
                            }

                            @Override
                            public void recovered() {}
                        })) {
            assertEquals(List.of(), log.damage());
            assertTrue(
                    log.append(
                                    new AuditRecord.Door(DoorState.OPEN),
                                    Instant.parse("2026-11-26T09:00:00Z"))
                            .orElseThrow()
                            .startsWith("{\"seq\":52,"));
        }
        AuditVerifier.Report report = AuditVerifier.verify(state);
        assertTrue(report.intact(), report.firstProblem().toString());
        assertEquals(53, report.records());
    }
}
