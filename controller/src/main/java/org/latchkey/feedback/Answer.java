package org.latchkey.feedback;

import org.latchkey.door.Outcome;
import org.latchkey.token.RejectionReason;

import java.util.Set;

/** The answer a person at the door gets to a scan, whatever the reader. */
public enum Answer {
    GRANTED,
    /** A final no: another try with the same pass gets the same answer. */
    REFUSED,
    /** The door could not decide now: the same pass may work in a moment. */
    TRY_AGAIN;

    private static final Set<RejectionReason> TRANSIENT =
            Set.of(
                    RejectionReason.BUSY,
                    RejectionReason.RATE_LIMITED,
                    RejectionReason.CAMERA_NOT_READY);

    public static Answer of(Outcome outcome) {
        if (outcome.granted()) {
            return GRANTED;
        }
        return TRANSIENT.contains(outcome.refusal().get()) ? TRY_AGAIN : REFUSED;
    }
}
