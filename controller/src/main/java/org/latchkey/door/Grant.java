package org.latchkey.door;

import org.latchkey.token.Role;
import org.latchkey.token.Use;
import org.latchkey.token.VerifiedAccess;

import java.util.Objects;

/**
 * A verified token presented at the door, with the id its answer goes back under.
 *
 * @param requestId correlates the {@link DoorCommand.Reply}
 * @param auditRefusal whether a refusal gets its own audit record (the gate counts repeats instead)
 */
public record Grant(long requestId, VerifiedAccess access, boolean auditRefusal) {
    public Grant {
        Objects.requireNonNull(access);
    }

    public Role role() {
        return access.claims().role();
    }

    public boolean once() {
        return access.claims().use() == Use.ONCE;
    }
}
