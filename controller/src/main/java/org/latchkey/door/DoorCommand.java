package org.latchkey.door;

import org.latchkey.hal.BoltPosition;

import java.time.Duration;

/** Side effects the state machine asks for; one loop executes them in order. */
public sealed interface DoorCommand {
    /** Drive the bolt to LOCKED or UNLOCKED. */
    record DriveBolt(BoltPosition target) implements DoorCommand {}

    record Camera(boolean recording) implements DoorCommand {}

    record StartTimer(Timer timer, Duration after) implements DoorCommand {}

    record CancelTimer(Timer timer) implements DoorCommand {}

    /**
     * Record a {@code once} token as used, fsync'ed; the answer comes back as {@link
     * DoorEvent.OnceConsumed}.
     */
    record ConsumeOnce(Grant grant) implements DoorCommand {}

    record Reply(long requestId, Outcome outcome) implements DoorCommand {}

    record Audit(AuditRecord record) implements DoorCommand {}

    /**
     * Persist the mode (fsync'ed), so that a restart keeps it; the answer comes back as {@link
     * DoorEvent.ModeSaved} for the request {@code requestId}.
     */
    record SaveMode(Mode mode, long requestId) implements DoorCommand {}

    /**
     * A visit is over (see {@link DoorMachine}): its receipt is made once the bolt and the camera
     * have come to rest.
     *
     * @param how relocked, not_opened, superseded, remote_lock, jammed, unsecured or shutdown
     */
    record VisitEnded(Grant grant, String how) implements DoorCommand {}

    /** Shutdown is complete: the loop ends. */
    record Stop() implements DoorCommand {}
}
