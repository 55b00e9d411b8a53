package org.latchkey.door;

/**
 * Where the door is in its cycle. Each phase lists its ways out; anything unexpected ends in locking.
 */
public sealed interface Phase {
    /** Before the first sensor reading. Out: Started → Locking (door closed) or Unsecured (door open). */
    record Starting() implements Phase {}

    /** Bolt confirmed thrown, door closed. Out: a grant → CameraCheck/Consuming/Unlocking; door opens → Unsecured (forced). */
    record Locked() implements Phase {}

    /** Bolt driven to LOCKED. Out: settled → Locked, or retried, or Jammed; door opens → Unsecured. */
    record Locking(int attempt) implements Phase {}

    /** Waiting for the camera to confirm before the bolt moves. Out: ready → Consuming/Unlocking; timeout → back. */
    record CameraCheck(Grant grant, Phase back) implements Phase {}

    /** A once token being written to the store. Out: consumed → Unlocking (or Unlocked); refused → back. */
    record Consuming(Grant grant, Phase back) implements Phase {}

    /** Bolt driven to UNLOCKED for a grant. Out: settled → Unlocked, or retried, or Jammed. */
    record Unlocking(Grant grant, int attempt) implements Phase {}

    /**
     * Bolt retracted for a grant. Out: not opened within unlock_wait, or closed again after relock_delay, or
     * max_unlocked passed with the door closed → Locking.
     *
     * @param entered the door has been opened since the unlock
     */
    record Unlocked(Grant grant, boolean entered) implements Phase {}

    /** Not secured and no grant: after start-up with the door open, a forced opening, a hand on the bolt. Out: closed → Locking. */
    record Unsecured() implements Phase {}

    /** The bolt did not reach its position after the retries. Never reported as locked. Out: bolt confirmed → Locked; door closed → Locking. */
    record Jammed() implements Phase {}

    /** Shut down. */
    record Stopped() implements Phase {}
}
