package org.latchkey.audit;

import com.fasterxml.jackson.databind.JsonNode;

import org.latchkey.door.AuditRecord;
import org.latchkey.receipt.Receipt;
import org.latchkey.token.Json;
import org.latchkey.token.PublicKey;
import org.latchkey.token.TokenRejectedException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit log checked against what an outside party kept — receipts the door gave a company, an
 * MQTT events capture: every record they hold must still be in the log, byte for byte, and every
 * receipt's record (the chain's head after its visit) and its {@code receipt} record too. A log
 * rehashed after a record was removed passes its own chain check; it cannot pass this one without
 * the copies that left the door.
 */
public final class AuditAgainst {
    /** What was held, and every way the log fails it. */
    public record Report(int records, int receipts, int unreadable, List<String> problems) {
        public boolean holds() {
            return problems.isEmpty();
        }
    }

    private AuditAgainst() {}

    /**
     * @param held lines of a capture: audit records as published (JSON, optionally after a topic
     *     and a space, as {@code mosquitto_sub -v} prints them) and receipts (v4.public…)
     * @param doorKey checks the receipts (without it, receipts are not trusted and not checked)
     */
    public static Report check(Path stateDir, List<String> held, Optional<PublicKey> doorKey)
            throws IOException {
        Map<Long, String> wanted = new HashMap<>(); // seq → the line held
        Map<Long, String> wantedHash = new HashMap<>(); // seq → the hash a receipt names
        Map<Long, Receipt> receipts = new HashMap<>(); // n → receipt
        Map<Long, String> receiptText = new HashMap<>();
        List<String> problems = new ArrayList<>();
        int unreadable = 0;
        for (String raw : held) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            int json = line.indexOf('{');
            int paseto = line.indexOf("v4.public.");
            if (paseto >= 0 && (json < 0 || paseto < json)) {
                String text = line.substring(paseto).split("\\s", 2)[0];
                if (doorKey.isEmpty()) {
                    unreadable++;
                    continue;
                }
                try {
                    Receipt r = Receipt.verify(text, doorKey.get());
                    receipts.put(r.n(), r);
                    receiptText.put(r.n(), text);
                    wantedHash.put(r.auditSeq(), r.auditHash());
                } catch (TokenRejectedException e) {
                    problems.add("a receipt held does not check out with the door key: " + e);
                }
                continue;
            }
            if (json < 0) {
                unreadable++;
                continue;
            }
            String record = line.substring(json);
            try {
                JsonNode n = Json.read(record);
                if (!n.path("seq").isIntegralNumber() || !n.has("prev")) {
                    unreadable++;
                    continue;
                }
                wanted.put(n.path("seq").longValue(), record);
            } catch (IOException e) {
                unreadable++;
            }
        }
        Map<Long, String> receiptRecords = new HashMap<>(); // n → sha256 the log's record names
        Map<Long, Boolean> seen = new HashMap<>();
        long oldest =
                Long.MAX_VALUE; // the log's first record: pruning (or a cut) removed those before
        Path dir = stateDir.resolve(AuditLog.DIR);
        for (Path f : AuditLog.files(dir)) {
            for (byte[] raw : AuditLog.lines(Files.readAllBytes(f))) {
                String line = new String(raw, StandardCharsets.UTF_8);
                long seq;
                JsonNode n;
                try {
                    n = Json.read(line);
                    seq = n.path("seq").asLong(-1);
                } catch (IOException e) {
                    continue; // the chain check names it
                }
                if (seq >= 0) {
                    oldest = Math.min(oldest, seq);
                }
                if (wanted.containsKey(seq)) {
                    seen.put(seq, true);
                    if (!wanted.get(seq).equals(line)) {
                        problems.add(
                                "record " + seq + " is not what the capture holds: it was changed");
                    }
                }
                if (wantedHash.containsKey(seq)) {
                    seen.put(-seq - 1, true);
                    if (!wantedHash.get(seq).equals(sha256(raw))) {
                        problems.add(
                                "record "
                                        + seq
                                        + ", the head a receipt names, has another hash: it was"
                                        + " changed");
                    }
                }
                if ("receipt".equals(n.path("type").asText())) {
                    try {
                        var r = (AuditRecord.ReceiptIssued) AuditJson.read(n);
                        receiptRecords.put(r.n(), r.sha256());
                    } catch (IllegalArgumentException e) {
                        // the chain check names it
                    }
                }
            }
        }
        long before = 0;
        for (long seq : wanted.keySet()) {
            if (seq < oldest) {
                before++;
            } else if (!seen.containsKey(seq)) {
                problems.add("record " + seq + ", which the capture holds, is not in the log");
            }
        }
        for (long seq : wantedHash.keySet()) {
            if (seq < oldest) {
                before++;
            } else if (!seen.containsKey(-seq - 1)) {
                problems.add("record " + seq + ", the head a receipt names, is not in the log");
            }
        }
        if (before > 0) {
            // Pruning ([audit] max_size) and a cut dressed as pruning look the same in the log:
            // say which, but never pass what cannot be shown.
            problems.add(
                    before
                            + " record(s) held outside are older than the log's oldest record ("
                            + oldest
                            + "): pruned by [audit] max_size, or cut away; the log cannot show"
                            + " them (check with a capture or receipts newer than that, or the"
                            + " rotated files kept elsewhere)");
        }
        for (var e : receipts.entrySet()) {
            String recorded = receiptRecords.get(e.getKey());
            if (recorded == null && e.getValue().auditSeq() < oldest) {
                continue; // its record went with the head it names, counted above
            }
            if (recorded == null) {
                problems.add("receipt " + e.getKey() + " has no receipt record in the log");
            } else if (!recorded.equals(
                    sha256(receiptText.get(e.getKey()).getBytes(StandardCharsets.US_ASCII)))) {
                problems.add(
                        "the log's record of receipt " + e.getKey() + " names another receipt");
            }
        }
        problems.sort(null);
        return new Report(wanted.size(), receipts.size(), unreadable, List.copyOf(problems));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
