package org.latchkey.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.latchkey.token.Json;

/** Walks the audit log's hash chain across rotated files, from the genesis record to the last line. */
public final class AuditVerifier {
    /**
     * The result: how many records checked, and the first bad one if any.
     *
     * @param head the SHA-256 of the newest record: write it down to detect a later change of that record,
     *     which no successor can reveal yet
     */
    public record Report(long records, Optional<String> firstProblem, String head) {
        public boolean intact() {
            return firstProblem.isEmpty();
        }
    }

    private AuditVerifier() {}

    public static Report verify(Path stateDir) throws IOException {
        Path dir = stateDir.resolve(AuditLog.DIR);
        if (!Files.isDirectory(dir)) {
            return new Report(0, Optional.of(dir + ": no audit log"), "");
        }
        List<Path> files = AuditLog.files(dir);
        String prev = null;
        long expectedSeq = 0;
        long count = 0;
        for (Path file : files) {
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                int lineNo = 0;
                while ((line = r.readLine()) != null) {
                    lineNo++;
                    String where = file.getFileName() + " line " + lineNo;
                    JsonNode record;
                    try {
                        record = Json.MAPPER.readTree(line);
                    } catch (IOException e) {
                        return new Report(count, Optional.of(where + ": not a JSON record"), "");
                    }
                    long seq = record.path("seq").asLong(-1);
                    String recordPrev = record.path("prev").asText("");
                    if (prev == null) {
                        if (seq != 0 || !"genesis".equals(record.path("type").asText())
                                || !AuditLog.GENESIS_PREV.equals(recordPrev)) {
                            return new Report(count, Optional.of(where + ": the chain does not start with the genesis record"), "");
                        }
                    } else if (seq != expectedSeq) {
                        return new Report(count, Optional.of(where + ": seq " + seq + " where " + expectedSeq
                                + " was expected (a record is missing or was inserted)"), "");
                    } else if (!prev.equals(recordPrev)) {
                        return new Report(count, Optional.of(where + " (seq " + seq
                                + "): prev does not match the previous record (it or the previous one was altered)"), "");
                    }
                    prev = AuditLog.sha256(line);
                    expectedSeq = seq + 1;
                    count++;
                }
            }
        }
        if (count == 0) {
            return new Report(0, Optional.of(dir + ": the audit log is empty"), "");
        }
        return new Report(count, Optional.empty(), prev);
    }
}
