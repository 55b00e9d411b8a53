package org.latchkey.token;

import java.util.Objects;

/**
 * A token or signed document was refused. Checked, so no caller can forget the refusal. The detail is for
 * people (CLI, log); it never contains the token text or key material.
 */
public final class TokenRejectedException extends Exception {
    private final RejectionReason reason;

    public TokenRejectedException(RejectionReason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = Objects.requireNonNull(reason);
    }

    public RejectionReason reason() {
        return reason;
    }

    /** The human explanation without the reason name. */
    public String detail() {
        return getMessage().substring(reason.name().length() + 2);
    }
}
