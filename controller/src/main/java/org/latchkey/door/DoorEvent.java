package org.latchkey.door;

import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.store.OneTimeStore;

/** Everything that can happen to the door, as the state machine sees it. */
public sealed interface DoorEvent {
    /** The daemon started and read its sensors. */
    record Started(DoorState door, BoltPosition bolt, boolean cameraReady) implements DoorEvent {}

    /** A token passed verification, the one-time pre-check and the rate limit. */
    record GrantRequested(Grant grant) implements DoorEvent {}

    /**
     * The one-time store's answer for a {@code once} grant.
     *
     * @param result empty when the store could not be written
     */
    record OnceConsumed(Grant grant, java.util.Optional<OneTimeStore.Result> result) implements DoorEvent {}

    record DoorMoved(DoorState state) implements DoorEvent {}

    record BoltSettled(BoltPosition position) implements DoorEvent {}

    record CameraReady(boolean ready) implements DoorEvent {}

    record TimerFired(Timer timer) implements DoorEvent {}

    /** Clock trust was evaluated (token-profile.md, Time) and changed. */
    record ClockTrust(boolean trusted) implements DoorEvent {}

    /** The state directory could not be written (audit, floor), or works again. */
    record StoreHealth(boolean writable) implements DoorEvent {}

    record ModeChange(Mode mode) implements DoorEvent {}

    /** SIGTERM: finish the motion, lock if the door is closed, stop. */
    record ShutdownRequested() implements DoorEvent {}
}
