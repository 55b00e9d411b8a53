package org.latchkey.door;

import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.store.OneTimeStore;

import java.util.Optional;

/** Everything that can happen to the door, as the state machine sees it. */
public sealed interface DoorEvent {
    /**
     * The daemon started and read its sensors.
     *
     * @param modeSource where the mode the door starts in came from: {@code config} or {@code
     *     persisted}
     */
    record Started(DoorState door, BoltPosition bolt, boolean cameraReady, String modeSource)
            implements DoorEvent {}

    /** A token passed verification, the one-time pre-check and the rate limit. */
    record GrantRequested(Grant grant) implements DoorEvent {}

    /**
     * The one-time store's answer for a {@code once} grant.
     *
     * @param result empty when the store could not be written
     */
    record OnceConsumed(Grant grant, Optional<OneTimeStore.Result> result) implements DoorEvent {}

    record DoorMoved(DoorState state) implements DoorEvent {}

    record BoltSettled(BoltPosition position) implements DoorEvent {}

    record CameraReady(boolean ready) implements DoorEvent {}

    record TimerFired(Timer timer) implements DoorEvent {}

    /** A condition outside the door's own cycle appeared or went away (its alarm follows it). */
    record ConditionChanged(Condition condition, boolean present) implements DoorEvent {}

    /**
     * The owner chose a mode; answered (by {@code requestId}) once the mode file has or has not
     * taken it.
     */
    record ModeChange(Mode mode, long requestId) implements DoorEvent {}

    /** The mode file's answer to a {@link DoorCommand.SaveMode}: written and fsync'ed, or not. */
    record ModeSaved(Mode mode, long requestId, boolean saved) implements DoorEvent {}

    /**
     * A remote LOCK (the MQTT bridge): end any unlocked period; lock now if the door is closed,
     * else once it closes. It can only secure the door.
     *
     * @param source who asked, e.g. {@code mqtt}
     */
    record LockRequested(String source) implements DoorEvent {}

    /** SIGTERM: finish the motion, lock if the door is closed, stop. */
    record ShutdownRequested() implements DoorEvent {}
}
