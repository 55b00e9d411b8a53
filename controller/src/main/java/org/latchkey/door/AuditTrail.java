package org.latchkey.door;

import java.time.Instant;
import java.util.Optional;

/** Where the door's audit records go: the hash-chained log in the state directory. */
@FunctionalInterface
public interface AuditTrail {
    /**
     * Appends one record.
     *
     * @return the line exactly as written, or empty when it could not be written (the trail reports
     *     and counts that)
     */
    Optional<String> append(AuditRecord record, Instant at);
}
