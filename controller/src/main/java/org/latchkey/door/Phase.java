package org.latchkey.door;

/**
 * Where the door is in its cycle. Each phase lists its ways out; anything unexpected ends in
 * locking. {@link Stopped} is the end: every other phase is {@link Running}.
 */
public sealed interface Phase {
    /** Every phase but {@link Stopped}. */
    sealed interface Running extends Phase
            permits Starting,
                    Locked,
                    Locking,
                    CameraCheck,
                    Consuming,
                    Unlocking,
                    Unlocked,
                    Unsecured,
                    Jammed {}

    /**
     * Before the first sensor reading. Out: Started → Locking (door closed) or Unsecured (door
     * open).
     */
    record Starting() implements Running {}

    /**
     * Bolt confirmed thrown, door closed. Out: a grant → CameraCheck/Consuming/Unlocking; door
     * opens → Unsecured (forced).
     */
    record Locked() implements Running {}

    /**
     * Bolt driven to LOCKED. Out: settled → Locked, or retried, or Jammed; door opens → Unsecured.
     */
    record Locking(int attempt) implements Running {}

    /**
     * Waiting for the camera to confirm before the bolt moves. Out: ready → Consuming/Unlocking;
     * timeout → back.
     */
    record CameraCheck(Grant grant, Running back) implements Running {}

    /**
     * A once token being written to the store. Out: consumed → Unlocking (or Unlocked); refused →
     * back.
     */
    record Consuming(Grant grant, Running back) implements Running {}

    /** Bolt driven to UNLOCKED for a grant. Out: settled → Unlocked, or retried, or Jammed. */
    record Unlocking(Grant grant, int attempt) implements Running {}

    /**
     * Bolt retracted for a grant. Out: not opened within unlock_wait, or closed again after
     * relock_delay, or max_unlocked passed with the door closed → Locking.
     *
     * @param entered the door has been opened since the unlock
     * @param capped max_unlocked has passed: lock as soon as the door is closed, whatever else is
     *     presented
     */
    record Unlocked(Grant grant, boolean entered, boolean capped) implements Running {}

    /**
     * Not secured and no grant: after start-up with the door open, a forced opening, a hand on the
     * bolt. Out: closed → Locking.
     */
    record Unsecured() implements Running {}

    /**
     * The bolt did not reach its position after the retries. Never reported as locked. Out: bolt
     * confirmed → Locked; door closed → Locking.
     */
    record Jammed() implements Running {}

    /** Shut down: nothing happens any more; a late grant is answered BUSY. */
    record Stopped() implements Phase {}
}
