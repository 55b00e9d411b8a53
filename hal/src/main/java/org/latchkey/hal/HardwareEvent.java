package org.latchkey.hal;

/**
 * What the hardware tells the controller. Delivered to the {@link HardwareListener} it supplied.
 */
public sealed interface HardwareEvent {
    /** The door contact changed (after debounce), or a fault made it read differently. */
    record DoorChanged(DoorState state) implements HardwareEvent {}

    /** The bolt finished a motion (or was moved by hand): where it ended up. */
    record BoltSettled(BoltPosition position) implements HardwareEvent {}

    /** The camera's ready signal changed. Only from cameras with a ready input. */
    record CameraReadyChanged(boolean ready) implements HardwareEvent {}
}
