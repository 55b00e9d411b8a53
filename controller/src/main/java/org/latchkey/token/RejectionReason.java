package org.latchkey.token;

/**
 * Why a token or document was refused. The names are a stable contract (docs/token-profile.md): the
 * CLI, the API and the audit log all print them as they are.
 */
public enum RejectionReason {
    MALFORMED,
    UNKNOWN_KEY,
    BAD_SIGNATURE,
    WRONG_LOCK,
    NOT_YET_VALID,
    EXPIRED,
    WINDOW_TOO_LONG,
    ROLE_NOT_ALLOWED,
    /**
     * The signing key may issue only {@code once} tokens and this one is a {@code window} token.
     */
    USE_NOT_ALLOWED,
    OUTSIDE_HOURS,
    REVOKED,
    ALREADY_USED,
    CLOCK_UNTRUSTED,
    MODE_DENIES,
    STORE_UNAVAILABLE,
    CAMERA_NOT_READY,
    RATE_LIMITED,
    /**
     * The door is busy with another token's motion, starting or shutting down: try again in a
     * moment.
     */
    BUSY,
    /** A revocation list whose {@code seq} is not greater than the installed one. */
    SEQ_NOT_NEWER,
    /**
     * A revocation list signed by a key that is not an owner key names a token another key signed,
     * or another key: such a key may revoke only its own tokens and itself. Refused whole.
     */
    NOT_SIGNERS_OWN,
    /**
     * A remote LOCK (the MQTT bridge's command topic) arrived while this grant was still being
     * checked (camera, one-time store): the lock wins and the bolt does not move for the grant.
     */
    REMOTE_LOCK,
    /** An enrolment for a key or a name the door trusts already (in its config, or another key). */
    ALREADY_TRUSTED
}
