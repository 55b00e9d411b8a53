package org.latchkey.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.store.Storage;
import org.latchkey.testing.FaultyStorage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The receipts kept: numbered, bounded with the oldest out and counted, a torn line cut. */
class ReceiptStoreTest {
    @TempDir Path state;

    private static String text(long n) {
        return "v4.public.receipt-" + n;
    }

    @Test
    void bounded_oldestFirstOut_counted_andNumberingGoesOn() throws Exception {
        ReceiptStore s = ReceiptStore.open(Storage.REAL, state);
        assertEquals(1, s.next());
        int total = ReceiptStore.MAX_KEPT + 300;
        for (int i = 0; i < total; i++) {
            s.append(s.next(), text(s.next()));
        }
        long kept = Files.readAllLines(state.resolve(ReceiptStore.FILE)).size();
        assertTrue(kept <= ReceiptStore.MAX_KEPT, "kept " + kept);
        assertEquals(total - kept, s.dropped(), "what went is counted");
        ReceiptStore again = ReceiptStore.open(Storage.REAL, state);
        assertEquals(total + 1, again.next(), "numbers go on after a restart");
        assertEquals(s.dropped(), again.dropped());
        var page = again.since(total - 5, 3);
        assertEquals(3, page.size());
        assertEquals(total - 4, page.get(0).n());
        assertEquals(text(total - 4), page.get(0).text());
    }

    @Test
    void aTornLastLine_isCutAtOpen_andTheNextReceiptIsWhole() throws Exception {
        ReceiptStore s = ReceiptStore.open(Storage.REAL, state);
        s.append(1, text(1));
        Files.writeString(
                state.resolve(ReceiptStore.FILE),
                "2 v4.public.rece",
                StandardCharsets.US_ASCII,
                StandardOpenOption.APPEND);
        ReceiptStore again = ReceiptStore.open(Storage.REAL, state);
        assertEquals(2, again.next(), "the torn one never was");
        again.append(2, text(2));
        assertEquals(2, again.since(0, 10).size());
        assertEquals(text(2), again.since(1, 10).get(0).text());
    }

    @Test
    void aReceiptThatCannotBeStored_stillSpendsItsNumber() throws Exception {
        FaultyStorage disk = new FaultyStorage();
        ReceiptStore s = ReceiptStore.open(disk, state);
        s.append(1, text(1));
        disk.readOnly(true);
        assertThrows(java.io.IOException.class, () -> s.append(2, text(2)));
        disk.readOnly(false);
        assertEquals(3, s.next(), "receipt 2 went out signed: its number is not given again");
    }
}
