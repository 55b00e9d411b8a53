package org.latchkey.audit;

import com.fasterxml.jackson.databind.JsonNode;

import org.latchkey.door.AuditRecord;
import org.latchkey.token.Json;
import org.latchkey.token.PublicKey;
import org.latchkey.token.TokenRejectedException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks the audit log's hash chain across rotated files, byte for byte: from the genesis record,
 * or, after old files were pruned, from the first record kept, which an {@code audit_pruned} record
 * later in the chain must anchor (its seq and the hash before it).
 */
public final class AuditVerifier {
    /**
     * The result: how many records checked, and the first bad one if any.
     *
     * @param start where the chain starts: {@code genesis}, or the anchored seq after pruning
     * @param head the SHA-256 of the newest record: write it down to detect a later change of that
     *     record, which no successor can reveal yet
     */
    /**
     * @param signedUpTo the last record a door-signed checkpoint vouches for (empty: none, or no
     *     door key to check them with)
     * @param checkpoints how many checkpoints were checked against the door key
     */
    public record Report(
            long records,
            Optional<String> firstProblem,
            String head,
            String start,
            Optional<Long> signedUpTo,
            int checkpoints) {
        public boolean intact() {
            return firstProblem.isEmpty();
        }
    }

    /** The hashes of the last records walked: a checkpoint vouches for one of them. */
    private static final int WINDOW = 4096;

    private record Anchor(long firstSeq, String prev) {}

    /** An anchor and the file it stands in (its index in chain order). */
    private record Placed(Anchor anchor, int file) {}

    private AuditVerifier() {}

    /** The chain alone: checkpoints are read but their signatures not checked. */
    public static Report verify(Path stateDir) throws IOException {
        return verify(stateDir, Optional.empty());
    }

    /**
     * The chain, and every checkpoint: signed by {@code doorKey} (when given) over the record it
     * names, whose hash in the chain must be the one it names.
     */
    public static Report verify(Path stateDir, Optional<PublicKey> doorKey) throws IOException {
        Path dir = stateDir.resolve(AuditLog.DIR);
        java.util.LinkedHashMap<Long, String> recent =
                new java.util.LinkedHashMap<>() {
                    @Override
                    protected boolean removeEldestEntry(java.util.Map.Entry<Long, String> e) {
                        return size() > WINDOW;
                    }
                };
        Optional<Long> signedUpTo = Optional.empty();
        int checkpoints = 0;
        if (!Files.isDirectory(dir)) {
            return broken(0, dir + ": no audit log");
        }
        Anchor start = null;
        List<Placed> anchors = new ArrayList<>();
        int fileIndex = -1;
        String prev = null;
        long expectedSeq = 0;
        long count = 0;
        List<Path> files = AuditLog.files(dir);
        for (Path file : files) {
            fileIndex++;
            byte[] bytes = Files.readAllBytes(file);
            List<byte[]> lines = AuditLog.lines(bytes);
            int lineNo = 0;
            for (byte[] raw : lines) {
                lineNo++;
                String where = file.getFileName() + " line " + lineNo;
                JsonNode record;
                try {
                    record = Json.read(Json.strictUtf8(raw));
                } catch (CharacterCodingException e) {
                    return broken(count, where + ": not valid UTF-8 (a byte was changed)");
                } catch (IOException e) {
                    return broken(count, where + ": not a JSON record");
                }
                long seq =
                        record.path("seq").isIntegralNumber() ? record.path("seq").longValue() : -1;
                String recordPrev = record.path("prev").asText("");
                if (prev == null) {
                    start = new Anchor(seq, recordPrev);
                    boolean genesis =
                            seq == 0
                                    && "genesis".equals(record.path("type").asText())
                                    && AuditLog.GENESIS_PREV.equals(recordPrev);
                    if (!genesis && seq < 1) {
                        return broken(
                                count,
                                where + ": the chain does not start with the genesis record");
                    }
                } else if (seq != expectedSeq) {
                    return broken(
                            count,
                            where
                                    + ": seq "
                                    + seq
                                    + " where "
                                    + expectedSeq
                                    + " was expected (a record is missing or was inserted)");
                } else if (!prev.equals(recordPrev)) {
                    return broken(
                            count,
                            where
                                    + " (seq "
                                    + seq
                                    + "): prev does not match the previous record (it or the"
                                    + " previous one was altered)");
                }
                if ("audit_pruned".equals(record.path("type").asText())) {
                    try {
                        var pruned = (AuditRecord.AuditPruned) AuditJson.read(record);
                        anchors.add(
                                new Placed(
                                        new Anchor(pruned.firstSeq(), pruned.anchor()), fileIndex));
                    } catch (IllegalArgumentException e) {
                        return broken(count, where + ": an audit_pruned record without its anchor");
                    }
                }
                if ("checkpoint".equals(record.path("type").asText())) {
                    AuditRecord.Checkpoint c;
                    try {
                        c = (AuditRecord.Checkpoint) AuditJson.read(record);
                    } catch (IllegalArgumentException e) {
                        return broken(count, where + ": a checkpoint without its fields");
                    }
                    String vouched = recent.get(c.coversSeq());
                    if (vouched == null) {
                        return broken(
                                count,
                                where
                                        + ": the checkpoint vouches for record "
                                        + c.coversSeq()
                                        + ", which is not before it in the log");
                    }
                    if (!vouched.equals(c.head())) {
                        return broken(
                                count,
                                where
                                        + ": the checkpoint vouches for record "
                                        + c.coversSeq()
                                        + " with another hash: that record was changed");
                    }
                    if (doorKey.isPresent()) {
                        try {
                            Checkpoints.verify(c, doorKey.get());
                        } catch (TokenRejectedException e) {
                            return broken(
                                    count,
                                    where
                                            + ": the checkpoint is not the door's ("
                                            + e.getMessage()
                                            + ")");
                        }
                        signedUpTo = Optional.of(c.coversSeq());
                        checkpoints++;
                    }
                }
                prev = AuditLog.sha256(raw, raw.length);
                recent.put(seq, prev);
                expectedSeq = seq + 1;
                count++;
            }
            if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
                return broken(
                        count,
                        file.getFileName()
                                + " line "
                                + (lineNo + 1)
                                + ": a partial record at the end");
            }
        }
        if (count == 0) {
            return broken(0, dir + ": the audit log is empty");
        }
        if (start.firstSeq() == 0) {
            return new Report(count, Optional.empty(), prev, "genesis", signedUpTo, checkpoints);
        }
        // Pruning removes whole old files and writes the anchor into the newest: an anchor counts
        // only where the oldest remaining file begins exactly where it says, and it stands in a
        // later file. A line cut from the head of a file, with an anchor appended, is not pruning.
        Anchor first = start;
        boolean anchored =
                anchors.stream()
                        .anyMatch(
                                a ->
                                        a.anchor().equals(first)
                                                && a.file() > 0
                                                && rotatedName(files.get(0), first.firstSeq()));
        if (!anchored) {
            return broken(
                    count,
                    "the log starts at seq "
                            + start.firstSeq()
                            + " with no audit_pruned record in a later file that anchors it:"
                            + " older records were removed by someone else");
        }
        return new Report(
                count,
                Optional.empty(),
                prev,
                "the audit_pruned anchor at seq " + start.firstSeq(),
                signedUpTo,
                checkpoints);
    }

    /** Whether the oldest file is a rotated file whose name says it begins at {@code seq}. */
    private static boolean rotatedName(Path file, long seq) {
        return file.getFileName().toString().equals(String.format("audit-%012d.log", seq));
    }

    private static Report broken(long count, String problem) {
        return new Report(count, Optional.of(problem), "", "", Optional.empty(), 0);
    }
}
