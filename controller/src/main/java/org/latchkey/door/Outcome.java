package org.latchkey.door;

import org.latchkey.token.RejectionReason;

import java.util.Optional;

/** The answer to a presented token: granted, or refused with a reason. */
public record Outcome(Optional<RejectionReason> refusal, String detail) {
    public static Outcome granted(String detail) {
        return new Outcome(Optional.empty(), detail);
    }

    public static Outcome refused(RejectionReason reason, String detail) {
        return new Outcome(Optional.of(reason), detail);
    }

    public boolean granted() {
        return refusal.isEmpty();
    }
}
