package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.audit.AuditLog;
import org.latchkey.door.AuditRecord;
import org.latchkey.hal.DoorState;
import org.latchkey.store.Storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

class AuditCommandTest {
    @TempDir Path state;

    final CliRun cli = new CliRun();

    @BeforeEach
    void writeLog() throws Exception {
        // Small rotation size: the chain spans several files.
        try (AuditLog log =
                AuditLog.open(
                        Storage.REAL,
                        state,
                        new AuditLog.Limits(400, 1L << 20),
                        java.time.InstantSource.fixed(Instant.parse("2026-11-25T08:59:00Z")),
                        new AuditLog.Health() {
                            @Override
                            public void failed(java.io.IOException e) {
                                throw new AssertionError(e);
                            }

                            @Override
                            public void recovered() {}
                        })) {
            for (int i = 0; i < 12; i++) {
                log.append(
                        new AuditRecord.Door(i % 2 == 0 ? DoorState.OPEN : DoorState.CLOSED),
                        Instant.parse("2026-11-25T09:00:00Z").plusSeconds(i * 60L));
            }
        }
        assertTrue(Files.list(state.resolve("audit")).count() > 2, "rotated");
    }

    @Test
    void verify_intactChain_exit0() {
        CliRun.Result r = cli.run("audit", "verify", "--state-dir", state.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("audit log intact: 13 records"), r.out());
    }

    @Test
    void verify_tamperedLine_exit3_namingTheFirstBadRecord() throws Exception {
        Path first =
                Files.list(state.resolve("audit"))
                        .filter(p -> p.getFileName().toString().startsWith("audit-"))
                        .sorted()
                        .findFirst()
                        .orElseThrow();
        List<String> lines = Files.readAllLines(first, StandardCharsets.UTF_8);
        lines.set(1, lines.get(1).replace("\"OPEN\"", "\"AJAR\"")); // seq 1: a door record
        Files.write(first, lines, StandardCharsets.UTF_8);
        CliRun.Result r = cli.run("audit", "verify", "--state-dir", state.toString());
        assertEquals(ExitCode.REJECTED, r.code());
        assertTrue(r.err().startsWith("rejected: AUDIT_CHAIN_BROKEN"), r.err());
        assertTrue(r.err().contains("(seq 2): prev does not match the previous record"), r.err());
    }

    @Test
    void verify_deletedRotatedFile_isDetected() throws Exception {
        Path first =
                Files.list(state.resolve("audit"))
                        .filter(p -> p.getFileName().toString().startsWith("audit-"))
                        .sorted()
                        .findFirst()
                        .orElseThrow();
        Files.delete(first);
        assertEquals(
                ExitCode.REJECTED,
                cli.run("audit", "verify", "--state-dir", state.toString()).code());
    }

    @Test
    void show_printsRecordsInOrder_andFiltersBySince() {
        CliRun.Result r =
                cli.run(
                        "audit",
                        "show",
                        "--state-dir",
                        state.toString(),
                        "--since",
                        "2026-11-25T09:10:00Z");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).contains("#11  door  state=OPEN"), lines.get(0));
        assertTrue(r.err().contains("times in "), r.err());
        // Local times with their offset; --utc and --json in UTC; a bare day for --since.
        String machine = java.time.ZoneId.systemDefault().getId();
        assertTrue(r.err().contains(machine + " (this machine's time zone)"), r.err());
        CliRun.Result utc =
                cli.run(
                        "audit",
                        "show",
                        "--utc",
                        "--state-dir",
                        state.toString(),
                        "--since",
                        "2026-11-25");
        assertEquals(0, utc.code(), utc.err());
        assertTrue(
                utc.out()
                        .lines()
                        .allMatch(l -> l.matches("2026-11-25 \\d\\d:\\d\\d:\\d\\d \\+00:00  #.*")),
                utc.out());
        assertTrue(utc.err().contains("--since 2026-11-25 read in " + machine), utc.err());
        CliRun.Result json = cli.run("audit", "show", "--json", "--state-dir", state.toString());
        assertEquals(13, json.out().lines().count());
        assertTrue(json.out().lines().findFirst().orElseThrow().contains("\"type\":\"genesis\""));
    }

    @Test
    void verify_invalidByteInAMiddleRecord_exit3_namingFileAndLine() throws Exception {
        Path first = rotated(0);
        byte[] bytes = Files.readAllBytes(first);
        int secondLine = indexOf(bytes, (byte) '\n') + 1;
        bytes[secondLine + 3] = (byte) 0xFF; // not UTF-8
        Files.write(first, bytes);
        CliRun.Result r = cli.run("audit", "verify", "--state-dir", state.toString());
        assertEquals(ExitCode.REJECTED, r.code(), r.err());
        assertTrue(r.err().startsWith("rejected: AUDIT_CHAIN_BROKEN"), r.err());
        assertTrue(r.err().contains(first.getFileName() + " line 2: not valid UTF-8"), r.err());
        assertEquals(
                0,
                cli.run("audit", "show", "--state-dir", state.toString()).code(),
                "show still shows the rest");
    }

    @Test
    void verify_fileRewrittenWithCrLf_isBroken() throws Exception {
        Path first = rotated(0);
        Files.writeString(first, Files.readString(first).replace("\n", "\r\n"));
        CliRun.Result r = cli.run("audit", "verify", "--state-dir", state.toString());
        assertEquals(
                ExitCode.REJECTED,
                r.code(),
                "a changed byte is a changed record, line ends included");
    }

    @Test
    void show_escapesControlCharacters_soARecordCannotDriveTheTerminal() throws Exception {
        Path dir = state.resolve("escape");
        try (AuditLog log =
                AuditLog.open(
                        Storage.REAL,
                        dir,
                        AuditLog.Limits.of(1L << 20),
                        java.time.InstantSource.fixed(Instant.parse("2026-11-25T08:59:00Z")),
                        new AuditLog.Health() {
                            @Override
                            public void failed(java.io.IOException e) {}

                            @Override
                            public void recovered() {}
                        })) {
            log.append(
                    new AuditRecord.Relock("evil \u009b31m \u001b[2J \u202e"),
                    Instant.parse("2026-11-25T09:00:00Z"));
        }
        for (String mode : new String[] {"", "--json"}) {
            CliRun.Result r =
                    mode.isEmpty()
                            ? cli.run("audit", "show", "--state-dir", dir.toString())
                            : cli.run("audit", "show", "--json", "--state-dir", dir.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(
                    r.out().chars().noneMatch(c -> c == 0x9b || c == 0x1b || c == 0x202e), r.out());
            assertTrue(r.out().contains("\\u009b"), r.out());
        }
    }

    private Path rotated(int index) throws Exception {
        try (var files = Files.list(state.resolve("audit"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("audit-"))
                    .sorted()
                    .toList()
                    .get(index);
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void missingLog_fails() {
        assertEquals(
                ExitCode.FAILED,
                cli.run("audit", "show", "--state-dir", state.resolve("nope").toString()).code());
        assertEquals(
                ExitCode.REJECTED,
                cli.run("audit", "verify", "--state-dir", state.resolve("nope").toString()).code());
    }
}
