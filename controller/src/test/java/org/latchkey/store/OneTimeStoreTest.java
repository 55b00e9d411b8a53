package org.latchkey.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.testing.FaultyStorage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one-time store under faults: full disks, torn writes, power cuts, damage, and files of the
 * first release.
 */
class OneTimeStoreTest {
    private static final String KID_A = "k4.pid." + "A".repeat(44);
    private static final String KID_B = "k4.pid." + "B".repeat(44);
    private static final Instant EXP = Instant.parse("2026-11-25T12:00:00Z");
    private static final Duration SKEW = Duration.ofSeconds(60);

    @TempDir Path dir;

    final FaultyStorage disk = new FaultyStorage();

    private OneTimeStore open() {
        return OneTimeStore.open(disk, dir);
    }

    private Path file() {
        return dir.resolve(OneTimeStore.FILE);
    }

    private List<Path> keptAside() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("once.log.damaged-"))
                    .toList();
        }
    }

    @Test
    void fullDisk_failedAppendIsCutBack_soALaterTokenSurvivesTheRestart() throws Exception {
        OneTimeStore store = open();
        disk.fillAfter(20); // the disk is full 20 bytes into token A's record
        assertThrows(IOException.class, () -> store.consume(KID_A, "token-a-000000000001", EXP));
        assertEquals(0, Files.size(file()), "the torn fragment was cut back");
        disk.freeSpace();
        assertEquals(
                OneTimeStore.Result.CONSUMED, store.consume(KID_B, "token-b-000000000002", EXP));

        OneTimeStore again = open();
        assertTrue(again.isUsed(KID_B, "token-b-000000000002"), "B opens once, never twice");
        assertFalse(
                again.isUsed(KID_A, "token-a-000000000001"),
                "A was refused, never granted: it may try again");
        assertEquals(List.of(), again.damage());
    }

    @Test
    void fragmentLeftBehind_evenWhenTheCutBackFails_isRemovedBeforeTheNextRecord()
            throws Exception {
        OneTimeStore store = open();
        assertEquals(
                OneTimeStore.Result.CONSUMED, store.consume(KID_A, "token-a-000000000001", EXP));
        long good = Files.size(file());
        Files.writeString(
                file(),
                "once k4.pid.BBB",
                java.nio.file.StandardOpenOption.APPEND); // a fragment from outside
        assertEquals(
                OneTimeStore.Result.CONSUMED, store.consume(KID_B, "token-b-000000000002", EXP));
        assertEquals(2 * good, Files.size(file()));
        OneTimeStore again = open();
        assertTrue(
                again.isUsed(KID_A, "token-a-000000000001")
                        && again.isUsed(KID_B, "token-b-000000000002"));
        assertEquals(List.of(), again.damage());
    }

    @Test
    void consumedRecords_areFsyncedBeforeConsumeReturns_soAPowerCutKeepsThem() throws Exception {
        OneTimeStore store = open();
        store.consume(KID_A, "token-a-000000000001", EXP);
        disk.powerCut();
        assertTrue(open().isUsed(KID_A, "token-a-000000000001"));
    }

    @Test
    void powerCutSeam_dropsWhatWasNotFsynced() throws Exception {
        // The seam itself, so the test above can fail: bytes written but never forced are gone
        // after a cut.
        try (Storage.Appender out = disk.append(file())) {
            out.write(
                    OneTimeStore.record(KID_A, "token-a-000000000001", EXP)
                            .getBytes(StandardCharsets.US_ASCII));
        }
        assertTrue(Files.size(file()) > 0);
        disk.powerCut();
        assertEquals(0, Files.size(file()));
        assertFalse(open().isUsed(KID_A, "token-a-000000000001"));
    }

    @Test
    void readOnlyStore_refuses_thenWorksAgainWhenWritable() throws Exception {
        OneTimeStore store = open();
        disk.readOnly(true);
        assertThrows(IOException.class, () -> store.consume(KID_A, "token-a-000000000001", EXP));
        disk.readOnly(false);
        assertEquals(
                OneTimeStore.Result.CONSUMED, store.consume(KID_A, "token-a-000000000001", EXP));
        assertTrue(open().isUsed(KID_A, "token-a-000000000001"));
    }

    @Test
    void fileOfTheFirstRelease_keepsEveryRecord_andIsUpgradedToCheckedRecords() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/compat/once-written-by-0.1.log")) {
            Files.write(file(), in.readAllBytes());
        }
        List<String> old = Files.readAllLines(file());
        assertEquals(3, old.size());
        OneTimeStore store = open();
        assertEquals(3, store.size());
        for (String line : old) {
            String[] f = line.split(" ");
            assertTrue(store.isUsed(f[0], f[1]), line);
        }
        assertTrue(
                Files.readAllLines(file()).stream().allMatch(l -> l.startsWith("once ")),
                "rewritten, checked");
        assertEquals(3, open().size());
        assertEquals(List.of(), store.damage());
    }

    @Test
    void recordGluedOntoATornFragment_byTheFirstRelease_isKept_andTheFragmentKeptAside()
            throws Exception {
        // What the first release left after a full disk: A's torn fragment, then B's whole line on
        // the same line.
        String b = KID_B + " token-b-000000000002 " + EXP.getEpochSecond();
        Files.writeString(file(), KID_A + " token-a-0000" + b + "\n");
        OneTimeStore store = open();
        assertTrue(store.isUsed(KID_B, "token-b-000000000002"), "the later record is never lost");
        assertEquals(1, store.damage().size());
        assertEquals(1, keptAside().size());
        assertEquals(KID_A + " token-a-0000\n", Files.readString(keptAside().get(0)));
        assertTrue(open().isUsed(KID_B, "token-b-000000000002"));
    }

    @Test
    void damagedRecordInTheMiddle_isKeptAside_andItsTokenStaysConsumed() throws Exception {
        OneTimeStore store = open();
        store.consume(KID_A, "token-a-000000000001", EXP);
        store.consume(KID_B, "token-b-000000000002", EXP);
        String text = Files.readString(file());
        int crc = text.indexOf('\n') - 3;
        Files.writeString(
                file(),
                text.substring(0, crc)
                        + (text.charAt(crc) == '0' ? '1' : '0')
                        + text.substring(crc + 1));
        OneTimeStore again = open();
        assertTrue(
                again.isUsed(KID_A, "token-a-000000000001"),
                "fail secure: a damaged record still blocks its token");
        assertTrue(again.isUsed(KID_B, "token-b-000000000002"));
        assertEquals(1, again.damage().size());
        assertEquals(1, keptAside().size());
    }

    @Test
    void tornLastRecord_fromACrashMidAppend_isDropped_withoutAlarm() throws Exception {
        OneTimeStore store = open();
        store.consume(KID_A, "token-a-000000000001", EXP);
        Files.writeString(
                file(), "once " + KID_B + " tok", java.nio.file.StandardOpenOption.APPEND);
        OneTimeStore again = open();
        assertTrue(again.isUsed(KID_A, "token-a-000000000001"));
        assertEquals(1, again.size());
        assertEquals(List.of(), again.damage());
        assertEquals(List.of(), keptAside());
    }

    @Test
    void loadingNeverDropsARecord_onlyCompactionAgainstATrustedFloorDoes() throws Exception {
        OneTimeStore store = open();
        store.consume(KID_A, "token-a-000000000001", EXP);
        store.consume(KID_B, "token-b-000000000002", EXP.plus(Duration.ofDays(3)));
        assertEquals(2, open().size(), "opening drops nothing, whatever the clock says");
        Instant behind = EXP.plus(SKEW).plus(OneTimeStore.COMPACTION_LAG);
        assertEquals(0, store.compact(behind, SKEW), "exp + skew not yet a day behind the floor");
        assertEquals(Instant.EPOCH, store.horizon());
        assertEquals(1, store.compact(behind.plusSeconds(1), SKEW));
        assertEquals(EXP.plus(SKEW), store.horizon(), "the latest exp + skew dropped");
        OneTimeStore again = open();
        assertFalse(again.isUsed(KID_A, "token-a-000000000001"));
        assertTrue(again.isUsed(KID_B, "token-b-000000000002"));
        assertEquals(EXP.plus(SKEW), again.horizon(), "the horizon is kept in the file");
    }

    @Test
    void compactionThatCannotWrite_dropsNothing() throws Exception {
        OneTimeStore store = open();
        store.consume(KID_A, "token-a-000000000001", EXP);
        disk.readOnly(true);
        assertThrows(IOException.class, () -> store.compact(EXP.plus(Duration.ofDays(2)), SKEW));
        assertEquals(Instant.EPOCH, store.horizon(), "nor moves the horizon");
        assertTrue(store.isUsed(KID_A, "token-a-000000000001"));
    }

    @Test
    void storeThatCannotBeRead_refusesEveryOnceToken_namingTheFile() throws Exception {
        Files.createDirectories(file()); // once.log replaced by a directory
        OneTimeStore store = open();
        IOException e =
                assertThrows(
                        IOException.class, () -> store.consume(KID_A, "token-a-000000000001", EXP));
        assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
        assertEquals(1, store.damage().size());
    }
}
