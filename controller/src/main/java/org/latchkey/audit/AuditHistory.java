package org.latchkey.audit;

import org.latchkey.door.AuditRecord;
import org.latchkey.token.Json;
import org.latchkey.token.Rfc3339;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the audit log remembers that the rest of the state directory may have lost: the once grants
 * (with their tokens' expiry) and how far the one-time store's compaction went. Read at every
 * start, so that a one-time store lost or put back from a backup cannot let a used once token open
 * again.
 *
 * @param records whether the log holds any record at all (a door ran here before)
 * @param onceGrants every once token the door took whose record says when it expires: grants, mode
 *     changes, clock resets, and those carried over from pruned files
 * @param horizon the latest compaction horizon recorded; the epoch when none
 * @param lastSeen the time of the log's last record; the epoch when none can be read
 */
public record AuditHistory(
        boolean records, List<OnceGrant> onceGrants, Instant horizon, Instant lastSeen) {
    /** No history: a first start. */
    public static final AuditHistory NONE =
            new AuditHistory(false, List.of(), Instant.EPOCH, Instant.EPOCH);

    /** A once token the door let in. */
    public record OnceGrant(String kid, String jti, Instant exp) {}

    /** Reads the log's files in chain order; lines that cannot be read are passed over. */
    public static AuditHistory read(Path stateDir) throws IOException {
        Path dir = stateDir.resolve(AuditLog.DIR);
        if (!Files.isDirectory(dir)) {
            return NONE;
        }
        boolean any = false;
        List<OnceGrant> grants = new ArrayList<>();
        Instant horizon = Instant.EPOCH;
        byte[] last = null;
        for (Path file : AuditLog.files(dir)) {
            for (byte[] raw : AuditLog.lines(Files.readAllBytes(file))) {
                any = true;
                last = raw;
                Optional<AuditRecord> r = remembered(raw);
                if (r.isEmpty()) {
                    continue;
                }
                onceTaken(r.get()).ifPresent(grants::add);
                if (r.get() instanceof AuditRecord.OnceCompacted c
                        && c.horizon().isAfter(horizon)) {
                    horizon = c.horizon();
                }
            }
        }
        return new AuditHistory(any, List.copyOf(grants), horizon, timeOf(last));
    }

    /**
     * The record on this line if it is one the history keeps (a once grant, a once token used,
     * compaction); empty for every other line, and for one that cannot be read (the log's own check
     * reports it).
     */
    static Optional<AuditRecord> remembered(byte[] raw) {
        // Most records are none of these: a cheap look before any parsing.
        String line = new String(raw, StandardCharsets.ISO_8859_1);
        boolean grant = line.contains("\"type\":\"granted\"") && line.contains("\"use\":\"once\"");
        if (!grant
                && !line.contains("\"type\":\"once_compacted\"")
                && !line.contains("\"type\":\"once_used\"")) {
            return Optional.empty();
        }
        try {
            return Optional.of(AuditJson.read(Json.read(Json.strictUtf8(raw))));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The once token a record says the door took, if it says so and when it expires. */
    static Optional<OnceGrant> onceTaken(AuditRecord record) {
        return switch (record) {
            case AuditRecord.Granted g
                    when g.token().exp().isPresent()
                            && g.token().use().equals(Optional.of("once")) ->
                    Optional.of(
                            new OnceGrant(g.token().kid(), g.token().jti(), g.token().exp().get()));
            case AuditRecord.OnceUsed u -> Optional.of(new OnceGrant(u.kid(), u.jti(), u.exp()));
            default -> Optional.empty();
        };
    }

    /** The {@code ts} of a record; the epoch when it cannot be read. */
    private static Instant timeOf(byte[] raw) {
        if (raw == null) {
            return Instant.EPOCH;
        }
        try {
            return Rfc3339.parse(Json.read(Json.strictUtf8(raw)).path("ts").asText(""));
        } catch (IOException | RuntimeException e) {
            return Instant.EPOCH;
        }
    }
}
