package org.latchkey.token;

import static org.latchkey.token.RejectionReason.WRONG_LOCK;

import java.util.Objects;
import java.util.Optional;

/**
 * Who a token or a signed document must be addressed to: this door's id ({@code k4.pid.…} of its
 * door key), which no other door shares. Its {@code lock_id} is the name people read; a token that
 * names the door by it is refused with a hint that says what changed.
 *
 * @param doorId empty while the door has no identity yet: then nothing is addressed to it
 */
public record Audience(Optional<String> doorId, String lockId) {
    public Audience {
        Objects.requireNonNull(doorId);
        Objects.requireNonNull(lockId);
    }

    /** An audience that is this exact id (tools and tests). */
    public static Audience of(String doorId) {
        return new Audience(Optional.of(doorId), "");
    }

    public boolean matches(String aud) {
        return doorId.isPresent() && doorId.get().equals(aud);
    }

    /** The refusal of a text addressed to {@code aud}, saying what to do. */
    TokenRejectedException wrong(String what, String aud) {
        if (doorId.isEmpty()) {
            return new TokenRejectedException(
                    WRONG_LOCK,
                    "this door has no identity yet, so nothing is addressed to it: run latchkey"
                            + " door key --config FILE once, then issue "
                            + what
                            + "s for its door id");
        }
        if (!lockId.isEmpty() && lockId.equals(aud)) {
            return new TokenRejectedException(
                    WRONG_LOCK,
                    "the "
                            + what
                            + " names the door by its lock_id '"
                            + lockId
                            + "'; since it has its own identity the door is addressed by its door"
                            + " id "
                            + doorId.get()
                            + ": issue it again for that id (latchkey token issue --config FILE, or"
                            + " from the door card)");
        }
        return new TokenRejectedException(
                WRONG_LOCK,
                "the "
                        + what
                        + " is for '"
                        + Rfc3339.abbreviate(aud)
                        + "', not this door ("
                        + doorId.get()
                        + ")");
    }
}
