package org.latchkey.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.door.AuditRecord;
import org.latchkey.token.DoorDocuments;
import org.latchkey.token.Json;
import org.latchkey.token.PublicKey;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.Rfc3339;
import org.latchkey.token.SigningKey;
import org.latchkey.token.TokenRejectedException;

import java.time.Instant;

/**
 * Signed audit checkpoints: the door key vouches for the chain's head (docs/token-profile.md, Audit
 * checkpoints). A checkpoint record carries the signed document; {@link AuditVerifier} checks both
 * against the chain.
 */
public final class Checkpoints {
    public static final String TYPE = "latchkey-checkpoint";

    /** A checkpoint after this many records… */
    public static final int EVERY_RECORDS = 100;

    private Checkpoints() {}

    /** The checkpoint record for the chain's head {@code (seq, hash)}. */
    public static AuditRecord.Checkpoint sign(SigningKey door, long seq, String hash, Instant now) {
        ObjectNode o = Json.object();
        o.put("typ", TYPE);
        o.put("door", door.publicKey().pid());
        o.put("seq", seq);
        o.put("hash", hash);
        o.put("iat", Rfc3339.format(now));
        return new AuditRecord.Checkpoint(seq, hash, DoorDocuments.sign(door, o));
    }

    /**
     * Checks a checkpoint record: the door key signed it, and the document names the record's own
     * seq and hash.
     */
    public static void verify(AuditRecord.Checkpoint c, PublicKey door)
            throws TokenRejectedException {
        ObjectNode o = DoorDocuments.verify(c.signature(), door, TYPE);
        if (o.path("seq").asLong(-1) != c.coversSeq()
                || !c.head().equals(o.path("hash").asText())) {
            throw new TokenRejectedException(
                    RejectionReason.BAD_SIGNATURE,
                    "the signed checkpoint names another record than the checkpoint record");
        }
    }
}
