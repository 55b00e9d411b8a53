package org.latchkey.hal;

/** The door-contact (reed) switch. Changes arrive as {@link HardwareEvent.DoorChanged}. */
public interface DoorContact {
    DoorState state();
}
