package org.latchkey.audit;

import org.latchkey.door.AuditRecord;
import org.latchkey.token.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the audit log remembers that the rest of the state directory may have lost: the once grants
 * (with their tokens' expiry) and how far the one-time store's compaction went. Read at every
 * start, so that a one-time store lost or put back from a backup cannot let a used once token open
 * again.
 *
 * @param records whether the log holds any record at all (a door ran here before)
 * @param onceGrants every once grant whose record says when its token expires
 * @param horizon the latest compaction horizon recorded; the epoch when none
 */
public record AuditHistory(boolean records, List<OnceGrant> onceGrants, Instant horizon) {
    /** A once token the door let in. */
    public record OnceGrant(String kid, String jti, Instant exp) {}

    /** Reads the log's files in chain order; lines that cannot be read are passed over. */
    public static AuditHistory read(Path stateDir) throws IOException {
        Path dir = stateDir.resolve(AuditLog.DIR);
        if (!Files.isDirectory(dir)) {
            return new AuditHistory(false, List.of(), Instant.EPOCH);
        }
        boolean any = false;
        List<OnceGrant> grants = new ArrayList<>();
        Instant horizon = Instant.EPOCH;
        for (Path file : AuditLog.files(dir)) {
            for (byte[] raw : AuditLog.lines(Files.readAllBytes(file))) {
                any = true;
                // Most records are neither: a cheap look before any parsing.
                String line = new String(raw, StandardCharsets.ISO_8859_1);
                boolean grant =
                        line.contains("\"type\":\"granted\"") && line.contains("\"use\":\"once\"");
                boolean compacted = line.contains("\"type\":\"once_compacted\"");
                if (!grant && !compacted) {
                    continue;
                }
                AuditRecord record;
                try {
                    record = AuditJson.read(Json.read(Json.strictUtf8(raw)));
                } catch (IOException | IllegalArgumentException e) {
                    continue; // damage: the log's own check reports it
                }
                if (record instanceof AuditRecord.Granted g && g.token().exp().isPresent()) {
                    grants.add(
                            new OnceGrant(g.token().kid(), g.token().jti(), g.token().exp().get()));
                } else if (record instanceof AuditRecord.OnceCompacted c
                        && c.horizon().isAfter(horizon)) {
                    horizon = c.horizon();
                }
            }
        }
        return new AuditHistory(any, List.copyOf(grants), horizon);
    }
}
